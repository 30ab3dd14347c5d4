package dev.duplexrpc.server;

import dev.duplexrpc.server.internal.HandshakeInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a client sent with its WebSocket upgrade request, and who it turned out to be: its
 * address, request URI, headers and query parameters, and the principal the {@link Authenticator}
 * accepted. The one place these are read, wherever a connection is seen: the authenticator and a
 * {@link TransportHandler} get one, {@link ConnectionSetup#handshake()} and {@link
 * ServerConnection#handshake()} return the connection's.
 *
 * <pre>{@code
 * .connectionListener(setup -> {
 *   Handshake h = setup.handshake();
 *   setup.attributes().put("room", h.queryParameter("room"));
 *   log.info("connect from " + h.remoteAddress() + " as " + h.principal());
 * })
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Handshake {
  private final InetSocketAddress remoteAddress;
  private final URI requestUri;
  private final Map<String, List<String>> headers;
  private final Map<String, List<String>> query;
  private final Principal principal;

  Handshake(HandshakeInfo info) {
    this.remoteAddress = info.remoteAddress();
    this.requestUri = info.requestUri();
    this.headers = info.headers();
    this.query = info.query();
    this.principal = info.principal();
  }

  /**
   * The client's socket address: the TCP peer, so a proxy in front shows as the proxy. In a
   * container other than the embedded server the port may be 0 (the container reports only the
   * address), or the address null (it reports nothing).
   *
   * @return the address, or null if unknown
   */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * Who the client is, as the server's {@link Authenticator} accepted it.
   *
   * @return the principal; null when the server has no authenticator, and in the handshake the
   *     authenticator itself is judging
   */
  public Principal principal() {
    return principal;
  }

  /**
   * The request URI.
   *
   * @return the URI
   */
  public URI requestUri() {
    return requestUri;
  }

  /**
   * The request headers. Names are case-insensitive.
   *
   * @return an unmodifiable map from header name to its values
   */
  public Map<String, List<String>> requestHeaders() {
    return headers;
  }

  /**
   * The first value of a request header.
   *
   * @param name the header name, case-insensitive
   * @return the value, or null if absent
   */
  public String header(String name) {
    return first(headers, Objects.requireNonNull(name, "name == null"));
  }

  /**
   * The query parameters.
   *
   * @return an unmodifiable map from parameter name to its values
   */
  public Map<String, List<String>> queryParameters() {
    return query;
  }

  /**
   * The first value of a query parameter.
   *
   * @param name the parameter name
   * @return the value, or null if absent
   */
  public String queryParameter(String name) {
    return first(query, Objects.requireNonNull(name, "name == null"));
  }

  private static String first(Map<String, List<String>> values, String name) {
    List<String> v = values.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public String toString() {
    return "Handshake[" + requestUri + " from " + remoteAddress + (principal == null ? "" : " as " + principal.getName())
        + "]";
  }
}
