package dev.duplexrpc.server;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.transport.Transport;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One client connected to the server: who it is (handshake, attributes) and a way to call it.
 *
 * <pre>{@code
 * // push to every client
 * for (ServerConnection c : server.connections()) {
 *   c.remote(ChatClient.class).message("server", "maintenance at noon");
 * }
 *
 * // inside a handler: the connection being served
 * @RpcMethod public String whoAmI() {
 *   return (String) ServerConnection.current().attributes().get("user");
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * A connection is in the server's registry ({@link RpcServer#connections()}) from the moment its
 * messages start being read until it closes. Once closed it stays usable for reading its id,
 * handshake and attributes; calls through it fail at once with {@link ConnectionClosedException}.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class ServerConnection implements AutoCloseable {
  /** The Peer attribute a connection is kept under, so {@link #of} finds it. */
  static final String PEER_ATTRIBUTE = ServerConnection.class.getName();

  private final String id;
  private final Handshake handshake;
  private final ConcurrentMap<String, Object> attributes;
  private final Peer peer;
  private final Transport transport;
  private final Set<String> subscriptions = ConcurrentHashMap.newKeySet(); // also Events' lock
  private final CompletableFuture<ConnectionClosedException> closed; // once the endpoint forgot it
  private volatile EventForm eventForm;

  ServerConnection(String id, Handshake handshake, ConcurrentMap<String, Object> attributes, Peer peer,
      Transport transport, EventForm eventForm, Runnable forget) {
    this.id = id;
    this.handshake = handshake;
    this.attributes = attributes;
    this.peer = peer;
    this.transport = transport;
    this.eventForm = eventForm;
    // Whoever sees the close future complete no longer finds the connection in the registry.
    this.closed = peer.closeFuture().thenApply(ex -> {
      forget.run();
      return ex;
    });
  }

  /**
   * The server connection a handler is serving. Declare a {@link CallContext} parameter on the
   * handler method (the library injects it) and pass it here.
   *
   * @param call the handler's call context
   * @return the connection the call came in on
   * @throws IllegalArgumentException if the call did not arrive through a Duplex RPC server
   *     endpoint (for example on a client, or on a Peer built by hand)
   */
  public static ServerConnection of(CallContext call) {
    Objects.requireNonNull(call, "call == null");
    Object c = call.peer().attributes().get(PEER_ATTRIBUTE);
    if (!(c instanceof ServerConnection)) {
      throw new IllegalArgumentException(
          "The call to '" + call.method() + "' did not arrive on a server connection");
    }
    return (ServerConnection) c;
  }

  /**
   * The server connection of a Peer, for code that has the Peer rather than a call context, such
   * as an {@link dev.duplexrpc.core.RpcInterceptor} ({@code ServerConnection.of(call.peer())}).
   *
   * @param peer a Peer of this server
   * @return the connection the Peer runs on
   * @throws IllegalArgumentException if the Peer is not a server connection's
   * @since 0.1
   */
  public static ServerConnection of(Peer peer) {
    Objects.requireNonNull(peer, "peer == null");
    Object c = peer.attributes().get(PEER_ATTRIBUTE);
    if (!(c instanceof ServerConnection)) {
      throw new IllegalArgumentException(peer + " is not a server connection");
    }
    return (ServerConnection) c;
  }

  /**
   * The server connection the current thread's handler is serving: {@code
   * of(CallContext.current())}. Keeps shared service interfaces free of a {@code CallContext}
   * parameter.
   *
   * @return the connection the call came in on
   * @throws IllegalStateException if the current thread is not running a handler
   * @throws IllegalArgumentException if the call did not arrive through a server endpoint
   */
  public static ServerConnection current() {
    return of(CallContext.current());
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
   * What the client sent with its handshake (address, URI, headers, query) and who it is (the
   * principal the {@link Authenticator} accepted).
   *
   * @return the handshake, the same as {@link ConnectionSetup#handshake()}
   */
  public Handshake handshake() {
    return handshake;
  }

  /**
   * The connection's attributes, for the application (for example the logged-in user); the map
   * {@link ConnectionSetup#attributes()} filled. The library never reads them.
   *
   * @return the thread-safe attribute map
   */
  public ConcurrentMap<String, Object> attributes() {
    return attributes;
  }

  /**
   * A typed proxy of the client's service; see {@link Peer#remote(Class)}.
   *
   * @param service an annotated interface the client serves
   * @param <T> the interface type
   * @return the proxy, thread-safe and cached
   */
  public <T> T remote(Class<T> service) {
    return peer.remote(service);
  }

  /**
   * The core {@link Peer} of this connection, for the untyped API ({@code call}, {@code notify},
   * {@code batch}).
   *
   * @return the peer
   */
  public Peer peer() {
    return peer;
  }

  /**
   * The events this connection is subscribed to (see {@link Events}).
   *
   * @return an unmodifiable, sorted snapshot; empty once closed
   */
  public Set<String> subscriptions() {
    synchronized (subscriptions) {
      return Collections.unmodifiableSet(new TreeSet<>(subscriptions));
    }
  }

  /**
   * The form events are sent to this connection in.
   *
   * @return the form; {@link EventForm#JSON_RPC} unless the server chose another
   */
  public EventForm eventForm() {
    return eventForm;
  }

  /**
   * Changes the form events are sent to this connection in, from the next published event on
   * (usually chosen once, with {@link ConnectionSetup#eventForm(EventForm)}).
   *
   * @param form the form
   * @return this connection
   */
  public ServerConnection eventForm(EventForm form) {
    this.eventForm = Objects.requireNonNull(form, "form == null");
    return this;
  }

  /** The live subscription set, guarded by itself; only {@link Events} changes it. */
  Set<String> subscriptionSet() {
    return subscriptions;
  }

  /** Hands a prebuilt event frame to the socket, without waiting; a failure is logged. */
  void sendFrame(String frame) {
    transport.send(frame).whenComplete((v, e) -> {
      if (e != null) {
        Events.logSendFailure(this, e);
      }
    });
  }

  /**
   * Whether the connection is open.
   *
   * @return false once closed
   */
  public boolean isOpen() {
    return peer.isOpen();
  }

  /**
   * A future that completes when the connection has closed, with the exception pending calls
   * failed with; by then {@link RpcEndpoint#connections()} no longer lists it. It never completes
   * exceptionally.
   *
   * @return the close future
   */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return closed.thenApply(ex -> ex); // a copy: completing it does not complete the connection's
  }

  /** Closes the connection with 1000 (normal closure); pending calls fail at once. Idempotent. */
  @Override
  public void close() {
    peer.close();
  }

  /**
   * Closes the connection with a code and a reason.
   *
   * @param code a WebSocket close code
   * @param reason a short reason, cut to 123 bytes of UTF-8
   */
  public void close(int code, String reason) {
    peer.close(code, reason);
  }

  @Override
  public String toString() {
    return "ServerConnection[" + id + ", " + handshake.remoteAddress() + (isOpen() ? "" : ", closed") + "]";
  }
}
