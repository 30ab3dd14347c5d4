package dev.duplexrpc.core;

/**
 * The connection closed before a call got its response, or a call was made on a closed
 * connection ({@link ErrorCodes#CONNECTION_CLOSED}). Raised locally, never sent. Every pending
 * call fails with it the moment the close is known; none waits for its timeout.
 *
 * @since 0.1
 */
public final class ConnectionClosedException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final int closeCode;
  private final String closeReason;

  /**
   * Creates the exception for a close.
   *
   * @param closeCode the WebSocket close code, 1006 when unknown
   * @param closeReason the close reason, possibly empty
   */
  public ConnectionClosedException(int closeCode, String closeReason) {
    super(
        ErrorCodes.CONNECTION_CLOSED,
        "Connection closed (" + closeCode
            + (closeReason == null || closeReason.isEmpty() ? "" : ": " + closeReason) + ")");
    this.closeCode = closeCode;
    this.closeReason = closeReason == null ? "" : closeReason;
  }

  /**
   * The WebSocket close code of the connection.
   *
   * @return the close code
   */
  public int closeCode() {
    return closeCode;
  }

  /**
   * The close reason, possibly empty.
   *
   * @return the reason
   */
  public String closeReason() {
    return closeReason;
  }
}
