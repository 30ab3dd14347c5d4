/**
 * Duplex RPC client side: connects to a WebSocket server (Tyrus's standalone client) and runs a
 * Peer on the connection.
 *
 * <p>Exports {@code dev.duplexrpc.client}. The internal package (the guarded client container and
 * the container its sessions report) is opened to Tyrus, which instantiates the guarded client
 * container by name; what the client shares with the server is in {@code dev.duplexrpc.websocket}.
 */
module dev.duplexrpc.client {
  requires transitive dev.duplexrpc.core;
  requires transitive dev.duplexrpc.websocket;
  requires jakarta.websocket.client;
  requires org.glassfish.tyrus.client;
  requires org.glassfish.tyrus.core;
  requires org.glassfish.tyrus.spi;
  requires org.glassfish.tyrus.container.grizzly.client;

  exports dev.duplexrpc.client;
  exports dev.duplexrpc.client.internal to
      org.glassfish.tyrus.core,
      org.glassfish.tyrus.client;
}
