package dev.duplexrpc.server;

import dev.duplexrpc.core.Peer;
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
  private final Handshake handshake;
  private final ConcurrentMap<String, Object> attributes;
  private final Peer.Builder peer;
  private boolean sealed;
  private EventForm eventForm = EventForm.JSON_RPC;

  ConnectionSetup(String id, Handshake handshake, ConcurrentMap<String, Object> attributes,
      Peer.Builder peer) {
    this.id = id;
    this.handshake = handshake;
    this.attributes = attributes;
    this.peer = peer;
  }

  /**
   * The connection's id.
   *
   * @return the id {@link ServerConnection#id()} will return
   */
  public String id() {
    return id;
  }

  /**
   * The client's handshake: its address, URI, headers and query, and its principal.
   *
   * @return the handshake {@link ServerConnection#handshake()} will return
   */
  public Handshake handshake() {
    return handshake;
  }

  /**
   * The connection's attributes, for the application: the same map as {@link
   * ServerConnection#attributes()}.
   *
   * @return the thread-safe map
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
   *   if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
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
    return "ConnectionSetup[" + id + ", " + handshake.remoteAddress() + "]";
  }
}
