package dev.duplexrpc.server.internal;

import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.core.RequestContext;

/**
 * What a client sent with its handshake, captured when the container shows it.
 *
 * @param remoteAddress the client's socket address; port 0 when the container gives only the
 *     address; null when it gives neither
 * @param requestUri the request URI
 * @param headers the request headers, names case-insensitive
 * @param query the query parameters
 * @param principal the client's principal from the authenticator, or null
 * @param admitted whether the embedded server's {@link HandshakeGate} already admitted it
 */
public record HandshakeInfo(
    InetSocketAddress remoteAddress,
    URI requestUri,
    Map<String, List<String>> headers,
    Map<String, List<String>> query,
    Principal principal,
    boolean admitted) {

  /** The user-property key the info is kept under between the handshake and the open. */
  public static final String KEY = HandshakeInfo.class.getName();

  /** The user property Jetty 12 keeps the client's address in (Tomcat 11 keeps none). */
  private static final String TOMCAT_REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

  /**
   * Captures a handshake request.
   *
   * @param request the request
   * @return the info
   */
  public static HandshakeInfo of(HandshakeRequest request) {
    TyrusFilter.Admission admission = TyrusFilter.admission();
    InetSocketAddress remote = admission == null ? null : admission.remote();
    if (remote == null && request instanceof RequestContext) {
      remote = literal(((RequestContext) request).getRemoteAddr());
    }
    return new HandshakeInfo(remote, request.getRequestURI(), HeaderMap.copyOf(request.getHeaders()),
        copy(request.getParameterMap()), admission == null ? null : admission.principal(),
        admission != null);
  }

  /** Captures a handshake request with a known client address, before any gate judged it. */
  static HandshakeInfo of(HandshakeRequest request, InetSocketAddress remote) {
    return new HandshakeInfo(remote, request.getRequestURI(), HeaderMap.copyOf(request.getHeaders()),
        copy(request.getParameterMap()), null, false);
  }

  /** This info, admitted with a principal. */
  public HandshakeInfo admit(Principal principal) {
    return new HandshakeInfo(remoteAddress, requestUri, headers, query, principal, true);
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /**
   * What a session tells when the handshake was not seen (a container that did not call the
   * configurator with a per-connection map).
   *
   * @param session the open session
   * @return the info, without headers
   */
  public static HandshakeInfo of(Session session) {
    return new HandshakeInfo(null, session.getRequestURI(), Map.of(),
        copy(session.getRequestParameterMap()), null, false);
  }

  /** This info, with the remote address filled in from the session where it was missing. */
  public HandshakeInfo complete(Session session) {
    if (remoteAddress != null) {
      return this;
    }
    Object a = session.getUserProperties().get(TOMCAT_REMOTE_ADDRESS);
    if (a instanceof InetSocketAddress) {
      return new HandshakeInfo((InetSocketAddress) a, requestUri, headers, query, principal, admitted);
    }
    if (session instanceof org.glassfish.tyrus.core.TyrusSession) {
      InetSocketAddress r = literal(((org.glassfish.tyrus.core.TyrusSession) session).getRemoteAddr());
      return new HandshakeInfo(r, requestUri, headers, query, principal, admitted);
    }
    return this;
  }

  private static InetSocketAddress literal(String address) {
    if (address == null || address.isEmpty()) {
      return null;
    }
    try {
      // The container reports an IP literal, which getByName parses without a lookup.
      return new InetSocketAddress(InetAddress.getByName(address), 0);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : in.entrySet()) {
      if (e.getKey() != null) {
        out.merge(e.getKey(), List.copyOf(e.getValue() == null ? List.of() : e.getValue()),
            (a, b) -> {
              List<String> both = new ArrayList<>(a);
              both.addAll(b);
              return List.copyOf(both);
            });
      }
    }
    return Collections.unmodifiableMap(out);
  }
}
