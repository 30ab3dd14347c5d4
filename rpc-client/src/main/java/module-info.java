/**
 * Duplex RPC client side: connects to a WebSocket server (Tyrus's standalone client) and runs a
 * Peer on the connection.
 *
 * <p>Exports {@code dev.duplexrpc.client}. The internal package is shared with the server module
 * (the session transport and the frame guard) and opened to Tyrus, which instantiates the guarded
 * client container by name.
 */
module dev.duplexrpc.client {
  requires transitive dev.duplexrpc.core;
  requires jakarta.websocket.client;
  requires org.glassfish.tyrus.client;
  requires org.glassfish.tyrus.core;
  requires org.glassfish.tyrus.spi;
  requires org.glassfish.tyrus.container.grizzly.client;

  exports dev.duplexrpc.client;
  exports dev.duplexrpc.client.internal to
      dev.duplexrpc.server,
      org.glassfish.tyrus.core,
      org.glassfish.tyrus.client;
}
