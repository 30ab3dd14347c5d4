package dev.duplexrpc.server.cluster;

/**
 * The failure of a {@link Backplane} operation because the bus cannot be reached at this moment
 * (an outage), as opposed to a failure concerning one node. The server reports both to its
 * callers as {@link dev.duplexrpc.core.ErrorCodes#UNREACHABLE}, with a reason that tells them
 * apart.
 *
 * @since 0.1
 */
public final class BackplaneUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A new exception.
   *
   * @param message what could not be reached, and why
   * @param cause the underlying failure, or null
   */
  public BackplaneUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
