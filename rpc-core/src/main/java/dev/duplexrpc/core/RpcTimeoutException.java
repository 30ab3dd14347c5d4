package dev.duplexrpc.core;

import java.time.Duration;

/**
 * A call got no response within its timeout ({@link ErrorCodes#TIMEOUT}). Raised locally, never
 * sent. The late response, if it comes, is dropped.
 *
 * @since 0.1
 */
public final class RpcTimeoutException extends RpcException {
  private static final long serialVersionUID = 1L;

  private final String method;
  private final transient Duration timeout;

  /**
   * Creates the exception for a call.
   *
   * @param method the wire name of the method called
   * @param timeout the timeout that elapsed
   */
  public RpcTimeoutException(String method, Duration timeout) {
    super(
        ErrorCodes.TIMEOUT,
        "No response to '" + method + "' within " + timeout.toMillis() + " ms");
    this.method = method;
    this.timeout = timeout;
  }

  /**
   * The wire name of the method that timed out.
   *
   * @return the method name
   */
  public String method() {
    return method;
  }

  /**
   * The timeout that elapsed.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }
}
