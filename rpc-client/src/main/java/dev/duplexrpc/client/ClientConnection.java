package dev.duplexrpc.client;

import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A client's connection to a server, made by {@link RpcClient#connect()}: call the server through
 * {@link #remote(Class)}, while the server calls the local services given to the builder.
 *
 * <pre>{@code
 * try (ClientConnection connection = client.connect()) {
 *   Calculator calc = connection.remote(Calculator.class);
 *   int sum = calc.add(2, 3);
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * <ul>
 *   <li><b>Open</b>: from {@link RpcClient#connect()} until the close.
 *   <li><b>Closed</b>: after {@link #close()}, a close by the server, or a lost socket. Every
 *       pending call has failed with {@link ConnectionClosedException} at that moment, {@link
 *       #closeFuture()} is complete and {@link Listener#onClose} has been scheduled.
 * </ul>
 *
 * <p>Proxies returned by {@link #remote(Class)} belong to this connection object rather than to
 * one socket, so they stay valid if a future version reconnects underneath. This class is
 * thread-safe.
 *
 * @since 0.1
 */
public final class ClientConnection implements AutoCloseable {

  /**
   * Receives a client connection's events. Methods have no-op defaults and run on the
   * connection's executor, never on a socket thread.
   *
   * @since 0.1
   */
  public interface Listener {
    /**
     * The connection closed, from either side or because the socket was lost. The last callback;
     * every pending call has already failed when it runs.
     *
     * @param connection the connection
     * @param code the WebSocket close code (1006 when the socket was lost without a close)
     * @param reason the close reason, possibly empty
     */
    default void onClose(ClientConnection connection, int code, String reason) {}
  }

  private final URI uri;
  private final Peer peer;
  private final ClientEvents events;
  private final ConcurrentHashMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();

  /**
   * @param events the subscriptions, already installed as the Peer's fallback; they belong to
   *     this object, not to one socket (a reconnect attaches its new Peer to them, which sends
   *     {@code rpc.on} again for every subscribed event)
   */
  ClientConnection(URI uri, Peer peer, ClientEvents events) {
    this.uri = uri;
    this.peer = peer;
    this.events = events;
    events.attach(peer);
  }

  /**
   * A typed proxy of the server's service. Calls block until the response (or the call timeout);
   * methods returning {@code CompletableFuture} do not block. Proxies are cached per interface.
   *
   * @param service an interface annotated with {@code @RpcMethod} / {@code @RpcNotification}
   * @param <T> the interface type
   * @return the proxy, thread-safe
   * @throws IllegalArgumentException if {@code service} is not a valid RPC interface
   */
  public <T> T remote(Class<T> service) {
    Objects.requireNonNull(service, "service == null");
    return service.cast(proxies.computeIfAbsent(service, this::newProxy));
  }

  private Object newProxy(Class<?> service) {
    peer.remote(service); // validates the interface now, not at the first call
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          default:
            return "Remote " + service.getSimpleName() + " of " + this;
        }
      }
      try {
        return method.invoke(current().remote(service), args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return Proxy.newProxyInstance(service.getClassLoader(), new Class<?>[] {service}, handler);
  }

  /** The Peer calls go through now; the place where a reconnecting version swaps sockets. */
  private Peer current() {
    return peer;
  }

  /**
   * Subscribes to a server event: sends {@code rpc.on} and blocks until the server confirms it,
   * then runs {@code handler} for each event, with its payload converted to {@code type}.
   *
   * <pre>{@code
   * Subscription s = connection.subscribe("feedUpdated", Feed.class, feed -> show(feed));
   * ...
   * s.close();                                  // rpc.off once no handler is left
   * }</pre>
   *
   * <p>Handlers run on the connection's executor, one event at a time, in the order the events
   * arrived, interleaved with the other notifications of the connection; a slow handler delays
   * the events after it. Several handlers of one event share one server subscription and run in
   * the order they subscribed. Events arrive in either form a server may send (a JSON-RPC
   * notification named after the event, or {@code rpc-websockets}' {@code {"notification": ...}}),
   * and the payload is the single element of the {@code params} array; see docs/client.md for
   * other shapes. A local service method with the event's name receives it instead.
   *
   * @param event the event name
   * @param type the payload type ({@code JsonElement.class} for the raw JSON)
   * @param handler receives each payload; its exceptions are logged and do not stop the others
   * @param <T> the payload type
   * @return the subscription; close it to stop
   * @throws RpcException if the server refused the event (code {@link
   *     dev.duplexrpc.core.ErrorCodes#INVALID_PARAMS}, {@code data} maps the event to the
   *     server's status, such as {@code "provided event invalid"}) or answered with an error
   * @throws dev.duplexrpc.core.ConnectionClosedException if the connection is closed
   * @throws dev.duplexrpc.core.RpcTimeoutException if the server did not answer within the call
   *     timeout
   */
  public <T> Subscription subscribe(String event, Class<T> type, Consumer<? super T> handler) {
    return events.subscribe(event, type, handler);
  }

  /**
   * Subscribes to a server event with a generic payload type, for example {@code
   * TypeToken.getParameterized(List.class, Feed.class).getType()}; otherwise exactly like {@link
   * #subscribe(String, Class, Consumer)}.
   *
   * @param event the event name
   * @param type the payload type
   * @param handler receives each payload, converted to {@code type}
   * @param <T> the payload type, unchecked
   * @return the subscription; close it to stop
   */
  public <T> Subscription subscribe(String event, Type type, Consumer<? super T> handler) {
    return events.subscribe(event, type, handler);
  }

  /**
   * The core {@link Peer} of this connection, for the untyped API ({@code call}, {@code notify},
   * {@code batch}).
   *
   * @return the peer
   */
  public Peer peer() {
    return current();
  }

  /**
   * The server URI this connection was made to.
   *
   * @return the URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Whether the connection is open.
   *
   * @return false once closed
   */
  public boolean isOpen() {
    return current().isOpen();
  }

  /**
   * A future that completes when the connection has closed, with the exception pending calls
   * failed with (its {@code closeCode()} and {@code closeReason()} tell why). It never completes
   * exceptionally.
   *
   * @return the close future
   */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return current().closeFuture();
  }

  /**
   * Closes the connection with 1000 (normal closure). Pending calls fail at once with {@link
   * ConnectionClosedException}. Idempotent.
   */
  @Override
  public void close() {
    current().close();
  }

  /**
   * Closes the connection with a code and a reason. Otherwise like {@link #close()}.
   *
   * @param code a WebSocket close code (1000, or 3000-4999 for applications)
   * @param reason a short reason, cut to 123 bytes of UTF-8
   */
  public void close(int code, String reason) {
    current().close(code, reason);
  }

  @Override
  public String toString() {
    return "ClientConnection[" + uri + (isOpen() ? "" : ", closed") + "]";
  }
}
