package dev.duplexrpc.server;

import dev.duplexrpc.server.internal.HandshakeInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client's WebSocket upgrade request, as an {@link Authenticator} sees it. Immutable.
 *
 * @since 0.1
 */
public final class Handshake {
  private final HandshakeInfo info;

  Handshake(HandshakeInfo info) {
    this.info = info;
  }

  /**
   * The client's socket address: the TCP peer, so a proxy in front shows as the proxy. In another
   * container than the embedded server the port may be 0, or the address null.
   *
   * @return the address, or null if unknown
   */
  public InetSocketAddress remoteAddress() {
    return info.remoteAddress();
  }

  /**
   * The request URI.
   *
   * @return the URI
   */
  public URI requestUri() {
    return info.requestUri();
  }

  /**
   * The request headers. Names are case-insensitive.
   *
   * @return an unmodifiable map from header name to its values
   */
  public Map<String, List<String>> requestHeaders() {
    return info.headers();
  }

  /**
   * The first value of a request header.
   *
   * @param name the header name, case-insensitive
   * @return the value, or null if absent
   */
  public String header(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> v = info.headers().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /**
   * The query parameters.
   *
   * @return an unmodifiable map from parameter name to its values
   */
  public Map<String, List<String>> queryParameters() {
    return info.query();
  }

  /**
   * The first value of a query parameter.
   *
   * @param name the parameter name
   * @return the value, or null if absent
   */
  public String queryParameter(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> v = info.query().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public String toString() {
    return "Handshake[" + requestUri() + " from " + remoteAddress() + "]";
  }
}
