package dev.duplexrpc.client;

/**
 * The state of a {@link ClientConnection}, as {@link ClientConnection#state()} reports it and
 * {@link ClientConnection.Listener#onStateChange} announces it.
 *
 * <pre>{@code
 * CONNECTING ──► OPEN ──► RECONNECTING ──► OPEN ──► ... ──► CLOSED
 *      └──────────────────────┴──────────────────────────────┘ (give up, close, refusal)
 *
 * with a resumable session (docs/resume.md):
 *   OPEN ──► RESUMING ──► OPEN                       resumed: nothing lost, no reconnect hook
 *   OPEN ──► RESUMING ──► RECONNECTING ──► OPEN      not resumable: a fresh session, as above
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
   * The socket was lost but the session is kept: pending calls wait, calls made now are sent into
   * the session's buffer, and the client reconnects with its session token. Then {@code OPEN}
   * when the server resumed the session (what either side missed is replayed, the reconnect hook
   * does not run), or {@code RECONNECTING} when it could not (the session's pending calls fail
   * then, as without sessions, and a fresh session follows).
   *
   * @since 0.2
   */
  RESUMING,
  /**
   * Closed for good: by the application, by a close code that is not retried, or because the
   * reconnect policy gave up. Final.
   */
  CLOSED
}
