package dev.duplexrpc.server;

import java.util.Objects;

/**
 * Thrown by an {@link Authenticator} to refuse a connection attempt: {@link #unauthorized} (HTTP
 * 401, the credentials are missing or wrong) or {@link #forbidden} (HTTP 403, the client is known
 * but not allowed). The message is sent as the plain-text body of the HTTP answer, so keep secrets
 * out of it.
 *
 * @since 0.1
 */
public final class AuthenticationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The HTTP status to answer with. */
  private final int status;
  /** The WWW-Authenticate challenge, or null. */
  private final String challenge;

  private AuthenticationException(int status, String message, String challenge) {
    super(Objects.requireNonNull(message, "message == null"));
    this.status = status;
    this.challenge = challenge;
  }

  /**
   * Refuses with HTTP 401 (Unauthorized).
   *
   * @param message why, sent to the client
   * @return the exception to throw
   */
  public static AuthenticationException unauthorized(String message) {
    return new AuthenticationException(401, message, null);
  }

  /**
   * Refuses with HTTP 401 (Unauthorized) and a {@code WWW-Authenticate} challenge.
   *
   * @param message why, sent to the client
   * @param challenge the {@code WWW-Authenticate} header value, for example {@code "Bearer"}
   * @return the exception to throw
   */
  public static AuthenticationException unauthorized(String message, String challenge) {
    return new AuthenticationException(401, message, Objects.requireNonNull(challenge, "challenge == null"));
  }

  /**
   * Refuses with HTTP 403 (Forbidden).
   *
   * @param message why, sent to the client
   * @return the exception to throw
   */
  public static AuthenticationException forbidden(String message) {
    return new AuthenticationException(403, message, null);
  }

  /**
   * The HTTP status the handshake is answered with.
   *
   * @return 401 or 403
   */
  public int status() {
    return status;
  }

  /**
   * The {@code WWW-Authenticate} challenge sent with a 401, or null.
   *
   * @return the challenge
   */
  public String challenge() {
    return challenge;
  }
}
