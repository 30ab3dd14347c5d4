package dev.duplexrpc.server;

/**
 * Hears connections open and close. {@link #onOpen} runs before the connection reads its first
 * message and may register services for that connection only, set attributes, or refuse the
 * connection by throwing.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .service(new LobbyImpl())                       // every connection
 *     .connectionListener(setup -> {
 *       String user = authenticate(setup.handshake().header("Authorization"));  // throws to refuse
 *       setup.attributes().put("user", user);
 *       setup.service(new InboxImpl(user));           // this connection only
 *     })
 *     ...
 * }</pre>
 *
 * <p>Callbacks for one connection never overlap. {@code onOpen} runs on the container's thread
 * that opened the session, or on the connection's executor when the client asked for a resumable
 * session (it runs once its greeting arrived); {@code onResume} and {@code onClose} on the
 * connection's executor.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ConnectionListener {

  /**
   * A connection opened. Its messages are held until this returns. Throwing refuses the
   * connection: it is closed with 1008 (policy violation) and the exception's message as the
   * close reason, which the client sees, and {@link #onClose} is not called.
   *
   * @param setup the connection's handshake, attributes and per-connection services
   * @throws Exception to refuse the connection
   */
  void onOpen(ConnectionSetup setup) throws Exception;

  /**
   * A connection that {@link #onOpen} accepted closed, from either side. The last callback for
   * it; its pending calls have already failed.
   *
   * @param connection the connection
   * @param code the WebSocket close code (1006 when the socket was lost)
   * @param reason the close reason, possibly empty
   */
  default void onClose(ServerConnection connection, int code, String reason) {}

  /**
   * A connection whose socket dropped was resumed by its client on a new socket (docs/resume.md):
   * the same {@link ServerConnection}, its Peer, pending calls, subscriptions and attributes go on,
   * and what either side sent during the gap has been replayed. {@link #onOpen} did not run again.
   * Called on the connection's executor.
   *
   * @param connection the connection
   * @since 0.2
   */
  default void onResume(ServerConnection connection) {}
}
