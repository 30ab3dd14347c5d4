package dev.duplexrpc.client;

/**
 * Sees every text frame of a connection, sent and received, as it crosses the socket: for logging
 * and debugging.
 *
 * <pre>{@code
 * RpcClient.builder()
 *     .uri("ws://127.0.0.1:8080/rpc")
 *     .frameListener((text, outgoing) -> System.out.println((outgoing ? "--> " : "<-- ") + text))
 *     .build();
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
   * @param text the frame's text: one JSON-RPC message or batch
   * @param outgoing true if this side sent it, false if it was received
   */
  void onFrame(String text, boolean outgoing);
}
