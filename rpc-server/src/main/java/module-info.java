/**
 * Duplex RPC server side: an embedded WebSocket server (Tyrus on Grizzly) and a deployable
 * endpoint config, each binding a Peer to every client session.
 *
 * <p>Exports {@code dev.duplexrpc.server}. The internal package is exported only to Tyrus, which
 * invokes the library's endpoint class reflectively. What the server shares with the client (the
 * session transport, frame guard, heartbeat and socket settings) is in {@code
 * dev.duplexrpc.websocket}; the server does not depend on the client.
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
