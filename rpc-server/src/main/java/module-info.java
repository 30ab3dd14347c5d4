/**
 * Duplex RPC server side: an embedded WebSocket server (Tyrus on Grizzly) and a deployable
 * endpoint config, each binding a Peer to every client session; named events; and a cluster of
 * servers over a shared backplane.
 *
 * <p>Exported, the API: {@code dev.duplexrpc.server} (server, endpoint, connections, events,
 * handshake and authentication) and {@code dev.duplexrpc.server.cluster} (the cluster API beside
 * the backplane SPI that {@code rpc-redis} implements). Not exported, the machinery: {@code
 * dev.duplexrpc.server.internal} (the embedded container, its filters, the session endpoint and
 * handshake capture), exported only to Tyrus, which creates the library's endpoint class
 * reflectively; and {@code dev.duplexrpc.server.cluster.internal} (the relay between nodes and
 * its protocol), used inside this module only.
 *
 * <p>What the server shares with the client (the session transport, frame guard, heartbeat and
 * socket settings) is in {@code dev.duplexrpc.websocket}; the server does not depend on the client.
 */
module dev.duplexrpc.server {
  requires transitive dev.duplexrpc.core;
  requires transitive jakarta.websocket;
  requires transitive dev.duplexrpc.websocket;
  requires org.glassfish.tyrus.core;
  requires org.glassfish.tyrus.spi;
  requires org.glassfish.tyrus.server;
  requires org.glassfish.tyrus.container.grizzly.client;
  requires org.glassfish.grizzly;
  requires org.glassfish.grizzly.http;
  requires org.glassfish.grizzly.http.server;

  exports dev.duplexrpc.server;
  exports dev.duplexrpc.server.cluster;
  exports dev.duplexrpc.server.internal to org.glassfish.tyrus.core;
}
