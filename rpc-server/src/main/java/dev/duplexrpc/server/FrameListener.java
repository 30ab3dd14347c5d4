package dev.duplexrpc.server;

/**
 * Sees every text frame of every connection, sent and received, as it crosses the socket: for
 * logging and debugging.
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .frameListener((id, text, outgoing) ->
 *         System.out.println(id + (outgoing ? " --> " : " <-- ") + text))
 *     ...
 * }</pre>
 *
 * <p>Received frames are reported on the socket's reading thread before they are handled, sent
 * frames on the sending thread before they are handed to the socket; keep the listener fast and
 * thread-safe. An exception it throws is not caught.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface FrameListener {

  /**
   * One text frame.
   *
   * @param connectionId the {@link ServerConnection#id()} of the connection
   * @param text the frame's text: one JSON-RPC message or batch
   * @param outgoing true if the server sent it, false if it was received
   */
  void onFrame(String connectionId, String text, boolean outgoing);
}
