package dev.duplexrpc.core;

/**
 * Receives a {@link Peer}'s lifecycle events. Every method has a no-op default; override what
 * you need. Callbacks run on the Peer's executor, never on a transport thread.
 *
 * @since 0.1
 */
public interface PeerListener {

  /**
   * The connection closed, from either side. This is the last callback; every pending call has
   * already failed with {@link ConnectionClosedException} when it runs.
   *
   * @param peer the peer whose connection closed
   * @param code the WebSocket close code (1006 when the connection was lost)
   * @param reason the close reason, possibly empty
   */
  default void onClose(Peer peer, int code, String reason) {}
}
