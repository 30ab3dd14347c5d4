package dev.duplexrpc.server;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.server.internal.HandshakeInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * A connection being opened, as {@link ConnectionListener#onOpen} sees it: what the client sent
 * with its handshake, the connection's attributes, and the services to register for this
 * connection only. Valid only during {@code onOpen}; the same id, handshake and attributes are
 * then on the {@link ServerConnection}.
 *
 * @since 0.1
 */
public final class ConnectionSetup {
  private final String id;
  private final HandshakeInfo handshake;
  private final ConcurrentMap<String, Object> attributes;
  private final Peer.Builder peer;
  private boolean sealed;
  private EventForm eventForm = EventForm.JSON_RPC;

  ConnectionSetup(String id, HandshakeInfo handshake, ConcurrentMap<String, Object> attributes,
      Peer.Builder peer) {
    this.id = id;
    this.handshake = handshake;
    this.attributes = attributes;
    this.peer = peer;
  }

  /**
   * The connection's id, unique among the server's open connections (the WebSocket session id).
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The client's socket address: the TCP peer, so a proxy in front shows as the proxy. In a
   * container other than the embedded server the port may be 0 (the container reports only the
   * address), or the address null (it reports nothing).
   *
   * @return the address, or null if unknown
   */
  public InetSocketAddress remoteAddress() {
    return handshake.remoteAddress();
  }

  /**
   * Who the client is, as the server's {@link Authenticator} accepted it.
   *
   * @return the principal, or null when the server has no authenticator
   */
  public Principal principal() {
    return handshake.principal();
  }

  /**
   * The handshake's request URI.
   *
   * @return the URI
   */
  public URI requestUri() {
    return handshake.requestUri();
  }

  /**
   * The handshake's request headers. Names are case-insensitive.
   *
   * @return an unmodifiable map from header name to its values
   */
  public Map<String, List<String>> requestHeaders() {
    return handshake.headers();
  }

  /**
   * The first value of a handshake header.
   *
   * @param name the header name, case-insensitive
   * @return the value, or null if absent
   */
  public String header(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> v = handshake.headers().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /**
   * The handshake's query parameters.
   *
   * @return an unmodifiable map from parameter name to its values
   */
  public Map<String, List<String>> queryParameters() {
    return handshake.query();
  }

  /**
   * The first value of a query parameter.
   *
   * @param name the parameter name
   * @return the value, or null if absent
   */
  public String queryParameter(String name) {
    Objects.requireNonNull(name, "name == null");
    List<String> v = handshake.query().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /**
   * The connection's attributes, for the application: the same map as {@link
   * ServerConnection#attributes()}.
   *
   * @return the thread-safe attribute map
   */
  public ConcurrentMap<String, Object> attributes() {
    return attributes;
  }

  /**
   * Registers a service for this connection only, besides the server's shared ones. Checked at
   * once.
   *
   * @param service an object with {@code @RpcMethod} / {@code @RpcNotification} methods
   * @return this setup
   * @throws IllegalArgumentException if the service is invalid
   * @throws IllegalStateException if called after {@code onOpen} returned
   */
  public synchronized ConnectionSetup service(Object service) {
    Objects.requireNonNull(service, "service == null");
    if (sealed) {
      throw new IllegalStateException("services can be added only during ConnectionListener.onOpen");
    }
    peer.service(service);
    return this;
  }

  /**
   * Chooses the form {@link Events events} are sent to this connection in; the default is {@link
   * EventForm#JSON_RPC}. Serve clients of the Node library {@code rpc-websockets} with {@link
   * EventForm#RPC_WEBSOCKETS}, for example when they connect with a query parameter:
   *
   * <pre>{@code
   * .connectionListener(setup -> {
   *   if ("rpc-websockets".equals(setup.queryParameter("events"))) {
   *     setup.eventForm(EventForm.RPC_WEBSOCKETS);
   *   }
   * })
   * }</pre>
   *
   * @param form the form
   * @return this setup
   * @throws IllegalStateException if called after {@code onOpen} returned
   */
  public synchronized ConnectionSetup eventForm(EventForm form) {
    Objects.requireNonNull(form, "form == null");
    if (sealed) {
      throw new IllegalStateException("the event form is chosen during ConnectionListener.onOpen;"
          + " change it later with ServerConnection.eventForm(...)");
    }
    this.eventForm = form;
    return this;
  }

  /**
   * The form events will be sent to this connection in.
   *
   * @return the form chosen so far
   */
  public synchronized EventForm eventForm() {
    return eventForm;
  }

  synchronized void seal() {
    sealed = true;
  }

  @Override
  public String toString() {
    return "ConnectionSetup[" + id + ", " + remoteAddress() + "]";
  }
}
