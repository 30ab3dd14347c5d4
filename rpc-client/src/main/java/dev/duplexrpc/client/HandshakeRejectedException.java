package dev.duplexrpc.client;

import java.io.IOException;

/**
 * The server answered the WebSocket handshake with an HTTP status instead of switching protocols:
 * 401 or 403 from an authenticator or an Origin check, 404 for a wrong path, 503 from a server
 * shutting down. Thrown by {@link RpcClient#connect()}. A reconnecting connection stops when a
 * reconnect attempt gets 401 or 403.
 *
 * @since 0.1
 */
public final class HandshakeRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status of the refusal. */
  private final int statusCode;

  /**
   * Creates the exception.
   *
   * @param message the message
   * @param statusCode the HTTP status the server answered with
   * @param cause the underlying exception, or null
   */
  public HandshakeRejectedException(String message, int statusCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  /**
   * The HTTP status the server answered the handshake with.
   *
   * @return the status code, for example 401
   */
  public int statusCode() {
    return statusCode;
  }
}
