package dev.duplexrpc.client;

/**
 * The state of a {@link ClientConnection}, as {@link ClientConnection#state()} reports it and
 * {@link ClientConnection.Listener#onStateChange} announces it.
 *
 * <pre>{@code
 * CONNECTING ──► OPEN ──► RECONNECTING ──► OPEN ──► ... ──► CLOSED
 *      └──────────────────────┴──────────────────────────────┘ (give up, close, refusal)
 * }</pre>
 *
 * @since 0.1
 */
public enum ConnectionState {
  /** The first connection is being made ({@link RpcClient#connect()} has not returned yet). */
  CONNECTING,
  /** Connected: calls go to the server. */
  OPEN,
  /**
   * The socket was lost and the client is waiting to reconnect or trying to: calls fail at once
   * (or wait in the offline queue if it is on). The reconnect hook runs in this state.
   */
  RECONNECTING,
  /**
   * Closed for good: by the application, by a close code that is not retried, or because the
   * reconnect policy gave up. Final.
   */
  CLOSED
}
