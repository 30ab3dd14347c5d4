package dev.duplexrpc.client;

import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.proxy.RemoteProxies;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A client's connection to a server, made by {@link RpcClient#connect()}: call the server through
 * {@link #remote(Class)}, while the server calls the local services given to the builder. The
 * connection outlives its socket: when the socket is lost it reconnects (see {@link
 * RpcClient.Builder#reconnectPolicy}) and the same proxies carry on over the new one.
 *
 * <pre>{@code
 * RpcClient client = RpcClient.builder()
 *     .uri("ws://127.0.0.1:8080/rpc")
 *     .onReconnected(c -> c.remote(Chat.class).join("lobby"))   // re-subscribe
 *     .build();
 * try (ClientConnection connection = client.connect()) {
 *   Chat chat = connection.remote(Chat.class);                 // valid across reconnects
 *   chat.join("lobby");
 *   chat.say("hello");
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * <ul>
 *   <li>{@link ConnectionState#CONNECTING CONNECTING}: inside {@link RpcClient#connect()}.
 *   <li>{@link ConnectionState#OPEN OPEN}: calls go to the server.
 *   <li>{@link ConnectionState#RECONNECTING RECONNECTING}: the socket was lost (closed by the
 *       server with a code the policy retries, dropped, or silent past the idle timeout). Every
 *       call pending on it has failed with {@link ConnectionClosedException} at that moment; the
 *       client waits and tries again per the policy. Calls made now fail at once with {@link
 *       ConnectionClosedException} unless the offline queue is on ({@link
 *       RpcClient.Builder#offlineQueue}). After a reconnect, the {@linkplain
 *       RpcClient.Builder#onReconnected reconnect hook} runs, queued calls are sent in order, and
 *       the state is OPEN again.
 *   <li>{@link ConnectionState#RESUMING RESUMING}: with a resumable session (docs/resume.md), the
 *       socket was lost (1006) but the session is kept: nothing pending fails, calls made now are
 *       buffered in the session, and the client reconnects with its token. Then OPEN again, with
 *       nothing lost and without the reconnect hook; or RECONNECTING, when the server could not
 *       resume: the session's pending calls fail then, and a fresh session follows as above.
 *   <li>{@link ConnectionState#CLOSED CLOSED}: after {@link #close()}, a close code the policy
 *       does not retry, a refused reconnect (HTTP 401/403) or a policy that gave up. {@link
 *       #closeFuture()} is complete and {@link Listener#onClose} has been scheduled. Final.
 * </ul>
 *
 * <p>Without a resumable session, delivery is at most once: a call pending when the socket is lost fails and is never resent
 * (the server may or may not have run it); a queued call was never sent before it is sent on the
 * new socket. This class is thread-safe.
 *
 * @since 0.1
 */
public final class ClientConnection implements AutoCloseable {
  /**
   * Receives a client connection's events. Methods have no-op defaults. They run one at a time, in
   * order, on a background thread of the library, never on a socket thread.
   *
   * @since 0.1
   */
  public interface Listener {
    /**
     * The connection entered a state. Called for every change, in order: {@code CONNECTING},
     * {@code OPEN}, then {@code RECONNECTING} and {@code OPEN} for each outage, and {@code CLOSED}
     * last (just before {@link #onClose}).
     *
     * @param connection the connection
     * @param state the new state
     */
    default void onStateChange(ClientConnection connection, ConnectionState state) {}

    /**
     * The connection closed for good (see {@link ConnectionState#CLOSED}). The last callback;
     * every pending and queued call has already failed when it runs. Not called when {@link
     * RpcClient#connect()} itself failed.
     *
     * @param connection the connection
     * @param code the WebSocket close code (1006 when the socket was lost without a close)
     * @param reason the close reason, possibly empty
     */
    default void onClose(ClientConnection connection, int code, String reason) {}
  }

  /**
   * Runs after each reconnect, before queued calls go out; see {@link
   * RpcClient.Builder#onReconnected}.
   *
   * @since 0.1
   */
  @FunctionalInterface
  public interface ReconnectHook {
    /**
     * The connection has a new socket. Calls made from this thread go to it; calls from other
     * threads wait (or fail) as while offline until this returns.
     *
     * @param connection the reconnected connection
     * @throws Exception to close the new socket and count the attempt as failed
     */
    void onReconnected(ClientConnection connection) throws Exception;
  }

  private final ClientEvents events;
  private final ConnectionLifecycle lifecycle; // the states and moves documented here
  private final RemoteProxies proxies;

  ClientConnection(RpcClient client) {
    ClientSettings config = client.config();
    this.events = new ClientEvents(config.peerConfig.gson(), config.peerConfig.fallback());
    this.lifecycle = new ConnectionLifecycle(this, client, events);
    this.proxies = new RemoteProxies(config.peerConfig.gson(), lifecycle.calls(), this);
  }

  /** The first connect, on the caller's thread: one attempt, or retries if the client says so. */
  void open() throws IOException {
    lifecycle.open();
  }

  // -----------------------------------------------------------------------------------------------
  // Public API

  /**
   * A typed proxy of the server's service. Calls block until the response (or the call timeout);
   * methods returning {@code CompletableFuture} do not block. The proxy belongs to this
   * connection, not to one socket: it keeps working after a reconnect. Proxies are cached per
   * interface.
   *
   * <p>While the connection is not open, a call fails at once with {@link
   * ConnectionClosedException} (a blocking method throws it, an asynchronous one returns a failed
   * future, a notification throws it), or waits in the offline queue if it is on.
   *
   * @param service an interface annotated with {@code @RpcMethod} / {@code @RpcNotification}
   * @param <T> the interface type
   * @return the proxy, thread-safe
   * @throws IllegalArgumentException if {@code service} is not a valid RPC interface
   */
  public <T> T remote(Class<T> service) {
    return proxies.get(service);
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
   * <p>Subscriptions belong to this connection, not to one socket: after a reconnect they are
   * sent to the server again ({@code rpc.on}) before the reconnect hook runs.
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
   * Subscribes to a server event with a generic payload type, for example {@code new
   * TypeToken<List<Feed>>() {}}; otherwise exactly like {@link #subscribe(String, Class,
   * Consumer)}.
   *
   * @param event the event name
   * @param type the payload type
   * @param handler receives each payload, converted to {@code type}
   * @param <T> the payload type
   * @return the subscription; close it to stop
   */
  public <T> Subscription subscribe(String event, TypeToken<T> type, Consumer<? super T> handler) {
    return events.subscribe(event, Objects.requireNonNull(type, "type == null").getType(), handler);
  }

  /**
   * The core {@link Peer} of the current socket, for the untyped API ({@code call}, {@code
   * notify}, {@code batch}). After a reconnect it is a new Peer; while reconnecting it is the
   * closed one, whose calls fail at once (the offline queue applies only to {@link #remote}
   * proxies). From the reconnect hook's thread it is the new socket's Peer.
   *
   * @return the peer
   */
  public Peer peer() {
    return lifecycle.peer();
  }

  /**
   * The server URI of the current socket (or the last one): the client's URI, or after a
   * reconnect possibly one of its {@link RpcClient.Builder#failoverUris failover URIs}.
   *
   * @return the URI
   */
  public URI uri() {
    return lifecycle.uri();
  }

  /**
   * The connection's state now.
   *
   * @return the state
   */
  public ConnectionState state() {
    return lifecycle.state();
  }

  /**
   * Whether calls go to the server now.
   *
   * @return true in state {@link ConnectionState#OPEN} while the socket is open (false from the
   *     moment a loss is known, even before the state turns {@code RECONNECTING})
   */
  public boolean isOpen() {
    return lifecycle.isOpen();
  }

  /**
   * How many times this connection has reconnected. A reconnect counts from the moment its new
   * socket is open, so the reconnect hook reads 1 in the first reconnect; an attempt whose hook
   * failed, or whose socket was lost at once, is taken back.
   *
   * @return the count, 0 until the first reconnect
   */
  public long reconnects() {
    return lifecycle.reconnects();
  }

  /**
   * A future that completes when the connection has closed for good (not when a socket is lost
   * and reconnecting starts), with the exception pending calls failed with: its {@code
   * closeCode()} and {@code closeReason()} tell why. It never completes exceptionally.
   *
   * @return the close future
   */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return lifecycle.closeFuture();
  }

  /**
   * Closes the connection with 1000 (normal closure), for good: pending and queued calls fail at
   * once with {@link ConnectionClosedException}, and it does not reconnect. Idempotent.
   */
  @Override
  public void close() {
    close(1000, "normal closure");
  }

  /**
   * Closes the connection with a code and a reason. Otherwise like {@link #close()}.
   *
   * @param code a WebSocket close code (1000, or 3000-4999 for applications)
   * @param reason a short reason, cut to 123 bytes of UTF-8
   */
  public void close(int code, String reason) {
    lifecycle.close(code, reason);
  }

  /**
   * Shuts the connection down gracefully, for good: no reconnecting, calls the server is making to
   * this client are answered with {@link ErrorCodes#SHUTTING_DOWN} if new or allowed to finish
   * within {@code grace} if running, then the socket closes with 1001 (see {@link
   * Peer#shutdown(Duration)}). This client's own pending calls keep waiting for their answers
   * until the close. Offline, it closes at once.
   *
   * @param grace how long running handlers may take
   * @return a future that completes when the connection is closed
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    return lifecycle.shutdown(grace);
  }

  @Override
  public String toString() {
    return "ClientConnection[" + lifecycle.uri() + ", " + lifecycle.state() + "]";
  }
}
