package dev.duplexrpc.client;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The server answered the WebSocket handshake with an HTTP status instead of switching protocols:
 * 401 or 403 from an authenticator or an Origin check, 404 for a wrong path, 503 from a server
 * shutting down. Thrown by {@link RpcClient#connect()}. A reconnecting connection stops when a
 * reconnect attempt gets 401 or 403.
 *
 * <pre>{@code
 * } catch (HandshakeRejectedException e) {
 *   if (e.statusCode() == 401) {
 *     String challenge = e.header("WWW-Authenticate");   // for example "Bearer realm=\"shop\""
 *   }
 * }
 * }</pre>
 *
 * <p>The status line's reason phrase and the response headers are kept as the server sent them.
 * The response body is not read.
 *
 * @since 0.1
 */
public final class HandshakeRejectedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status of the refusal. */
  private final int statusCode;
  /** The status line's reason phrase, possibly empty. */
  private final String reasonPhrase;
  /** The response headers, names case-insensitive, unmodifiable. */
  private final transient Map<String, List<String>> headers;

  /**
   * Creates the exception without a reason phrase or headers.
   *
   * @param message the message
   * @param statusCode the HTTP status the server answered with
   * @param cause the underlying exception, or null
   */
  public HandshakeRejectedException(String message, int statusCode, Throwable cause) {
    this(message, statusCode, "", Map.of(), cause);
  }

  /**
   * Creates the exception.
   *
   * @param message the message
   * @param statusCode the HTTP status the server answered with
   * @param reasonPhrase the status line's reason phrase, or empty
   * @param headers the response headers; copied
   * @param cause the underlying exception, or null
   */
  public HandshakeRejectedException(String message, int statusCode, String reasonPhrase,
      Map<String, List<String>> headers, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.reasonPhrase = Objects.requireNonNull(reasonPhrase, "reasonPhrase == null");
    TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Objects.requireNonNull(headers, "headers == null")
        .forEach((name, values) -> copy.put(name, List.copyOf(values)));
    this.headers = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * The HTTP status the server answered the handshake with.
   *
   * @return the status code, for example 401
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The reason phrase of the response's status line, as the server sent it.
   *
   * @return the phrase, for example {@code "Unauthorized"}; empty if the server sent none
   */
  public String reasonPhrase() {
    return reasonPhrase;
  }

  /**
   * The headers of the refusal.
   *
   * @return the headers, names case-insensitive; unmodifiable, empty if not known
   */
  public Map<String, List<String>> headers() {
    return headers == null ? Map.of() : headers;
  }

  /**
   * One response header, such as {@code WWW-Authenticate} or {@code Retry-After}, with its values
   * joined by {@code ", "} (the form HTTP gives a header sent several times, or one whose value
   * the WebSocket client split at its commas).
   *
   * @param name the header name, case-insensitive
   * @return the value, or null if the server did not send the header
   */
  public String header(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> values = headers().get(name);
    return values == null || values.isEmpty() ? null : String.join(", ", values);
  }
}
