/**
 * Duplex RPC's WebSocket layer: what the server and client bindings share, so that neither
 * depends on the other.
 *
 * <p>Exports {@code dev.duplexrpc.websocket}, the {@link dev.duplexrpc.websocket.SocketSettings}
 * both builders hold. The internal package (the session transport and its byte-bounded send
 * queue, the frame guard, the heartbeat, the link under a session, the background executor, the
 * scheduler Tyrus's sessions get) is exported only to the two bindings, and to Tyrus, which calls
 * the session's message handlers registered from there.
 */
module dev.duplexrpc.websocket {
  requires transitive dev.duplexrpc.core;
  requires jakarta.websocket.client;
  requires org.glassfish.tyrus.spi;

  exports dev.duplexrpc.websocket;
  exports dev.duplexrpc.websocket.internal to
      dev.duplexrpc.server,
      dev.duplexrpc.client,
      org.glassfish.tyrus.core;
}
