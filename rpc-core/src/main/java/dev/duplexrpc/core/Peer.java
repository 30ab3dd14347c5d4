package dev.duplexrpc.core;

import static dev.duplexrpc.core.internal.PeerCalls.token;

import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.internal.Builtins;
import dev.duplexrpc.core.internal.LazyConcurrentMap;
import dev.duplexrpc.core.internal.MethodTable;
import dev.duplexrpc.core.internal.PeerCalls;
import dev.duplexrpc.core.internal.PeerClosing;
import dev.duplexrpc.core.internal.PeerOwner;
import dev.duplexrpc.core.internal.PendingCalls;
import dev.duplexrpc.core.internal.Pipeline;
import dev.duplexrpc.core.internal.ServiceModel;
import dev.duplexrpc.core.internal.proxy.PeerTargets;
import dev.duplexrpc.core.internal.proxy.RemoteProxies;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.core.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Flow;

/**
 * One end of one JSON-RPC connection: it serves the local services to the other end and calls the
 * other end's services. Both sides of a connection, server and client, are Peers.
 *
 * <pre>{@code
 * PeerConfig config = PeerConfig.builder()
 *     .service(new CalculatorImpl())        // what the other end may call
 *     .build();                             // shared by every Peer built with it
 * Peer peer = Peer.builder()
 *     .transport(transport)                 // a WebSocket session, or InMemoryTransport
 *     .config(config)
 *     .build();                             // starts reading
 * Greeter greeter = peer.remote(Greeter.class);
 * String hello = greeter.greet("Ada");      // blocks until the answer or the timeout
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * <ul>
 *   <li><b>Open</b>: from {@link Builder#build()}, which starts the transport, until the close.
 *   <li><b>Closed</b>: after {@link #close()} or after the transport reports its close. Every
 *       pending call has failed with {@link ConnectionClosedException} at that moment, new calls
 *       fail with it at once, and {@link PeerListener#onClose} has been scheduled. A Peer is
 *       never reopened; a reconnecting client makes a new one.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Handlers never run on the transport's thread: requests run concurrently on the executor (so a
 * slow handler never delays other calls), notifications one at a time in arrival order. A handler
 * may make a blocking call back to the Peer that called it, and nest further, without deadlock.
 * Futures returned by the asynchronous API complete on the executor. This class is thread-safe.
 *
 * <h2>Calls and their failures</h2>
 *
 * Every future returned by {@link #call}, {@link #callNamed}, a {@link Batch} or an asynchronous
 * proxy method completes with the result, or exceptionally with:
 *
 * <ul>
 *   <li>{@link RpcException}: the other end answered with an error (code, message, data), or
 *       the result did not convert to the expected type ({@link ErrorCodes#INVALID_RESPONSE});
 *   <li>{@link RpcTimeoutException}: no response within the call timeout;
 *   <li>{@link ConnectionClosedException}: the connection closed first;
 *   <li>{@link java.util.concurrent.CancellationException}: the caller cancelled the future
 *       (the late response is dropped).
 * </ul>
 *
 * Blocking proxy methods throw the same exceptions directly.
 *
 * @since 0.1
 */
public final class Peer implements AutoCloseable {
  static { // the internals that reach into a Peer or its builder
    PeerTargets.register(peer -> peer.pipeline.calls());
    PendingCalls.register((peer, error) -> peer.pipeline.calls().failAll(error));
    Builtins.register((builder, builtins) -> builder.builtins = builtins);
    PeerOwner.register(peer -> peer.owner, (peer, owner) -> peer.owner = owner);
  }

  private final Transport transport;
  private final PeerConfig config;
  private final MethodTable table;
  private final Pipeline pipeline; // the stages: receiver, dispatcher, call table...
  private final PeerCalls dynamic; // call, callNamed, stream, notify by wire name
  private final RemoteProxies proxies;
  private final PeerClosing closing; // close, shutdown, the close future; the transport's listener
  private final ConcurrentMap<String, Object> attributes = new LazyConcurrentMap<>(); // made on first write
  private volatile Object owner; // see PeerOwner
  private final boolean extensionsAgreed;

  private Peer(Builder b) {
    this.transport = b.transport;
    this.config = b.config;
    this.extensionsAgreed =
        config.wireExtensions() && Subprotocols.isDuplex(transport.subprotocol());
    this.table = config.table().with(
        b.services, b.builtins, b.fallback, config.gson(), config.discoverySettings());
    this.pipeline = Pipeline.wire(transport, config, config.codecs(), table, new PeerContexts(this),
        config.interceptors().isEmpty() ? null : new Interceptors(config, this), this::close);
    this.dynamic = new PeerCalls(pipeline.calls(), config.codecs().params());
    this.proxies = new RemoteProxies(config.gson(), pipeline.calls(), this);
    this.closing = new PeerClosing(this, transport, pipeline, config.executor(), b.listener);
  }

  /** @return a new builder, with every default set */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A typed proxy of the other end's service. The interface's methods must be annotated with
   * {@link dev.duplexrpc.core.annotation.RpcMethod} or {@link
   * dev.duplexrpc.core.annotation.RpcNotification} (default methods run locally). Proxies are
   * cached: the same interface gives the same proxy.
   *
   * @param service an annotated interface
   * @param <T> the interface type
   * @return the proxy, thread-safe
   * @throws IllegalArgumentException if {@code service} is not an interface or a method is not a
   *     valid RPC method (the message names the method)
   */
  public <T> T remote(Class<T> service) {
    return proxies.get(service);
  }

  /**
   * Calls a method of the other end with positional params.
   *
   * @param method the wire name
   * @param resultType the class of the result ({@code Void.class} or {@code Object.class} if it
   *     does not matter; {@code JsonElement.class} for the raw tree)
   * @param params the positional params, each serialized by its runtime type; none sends no
   *     {@code params} member
   * @param <T> the result type
   * @return the future of the result; see the class documentation for its exceptional completions
   */
  public <T> CompletableFuture<T> call(String method, Class<T> resultType, Object... params) {
    return call(null, method, resultType, params);
  }

  /**
   * Like {@link #call(String, Class, Object...)}, for a generic result type such as {@code new
   * TypeToken<List<Item>>() {}}.
   */
  public <T> CompletableFuture<T> call(String method, TypeToken<T> resultType, Object... params) {
    return call(null, method, resultType, params);
  }

  /**
   * Like {@link #call(String, Class, Object...)}, with a {@code timeout} for this call only:
   * {@link Duration#ZERO} for none, null for the configuration's.
   */
  public <T> CompletableFuture<T> call(
      Duration timeout, String method, Class<T> resultType, Object... params) {
    return call(timeout, method, token(resultType, "resultType"), params);
  }

  /** Like {@link #call(Duration, String, Class, Object...)}, for a generic result type. */
  public <T> CompletableFuture<T> call(
      Duration timeout, String method, TypeToken<T> resultType, Object... params) {
    return dynamic.call(timeout, method, resultType, params);
  }

  /**
   * Calls a method of the other end with named params (a JSON object).
   *
   * @param method the wire name
   * @param resultType the class of the result
   * @param params the named params, each value serialized by its runtime type
   * @param <T> the result type
   * @return the future of the result
   */
  public <T> CompletableFuture<T> callNamed(String method, Class<T> resultType, Map<String, ?> params) {
    return callNamed(null, method, resultType, params);
  }

  /**
   * Like {@link #callNamed(String, Class, Map)}, with a {@code timeout} for this call only:
   * {@link Duration#ZERO} for none, null for the configuration's.
   */
  public <T> CompletableFuture<T> callNamed(
      Duration timeout, String method, Class<T> resultType, Map<String, ?> params) {
    return callNamed(timeout, method, token(resultType, "resultType"), params);
  }

  /** Like {@link #callNamed(Duration, String, Class, Map)}, for a generic result type. */
  public <T> CompletableFuture<T> callNamed(
      Duration timeout, String method, TypeToken<T> resultType, Map<String, ?> params) {
    return dynamic.callNamed(timeout, method, resultType, params);
  }

  /**
   * Calls a method of the other end whose result is a stream (docs/streaming.md), with positional
   * params. The publisher is cold: each subscription makes the call, and consumes the stream the
   * response names, with the credit window of this Peer's {@link StreamSettings}. The subscriber's
   * {@code onError} receives the failures listed in the class documentation, or the error the
   * other end ended the stream with; {@code cancel()} stops the stream at the other end.
   *
   * @param method the wire name
   * @param itemType the class of each item
   * @param params the positional params, each serialized by its runtime type
   * @param <T> the item type
   * @return the publisher of the items
   * @since 0.2
   */
  public <T> Flow.Publisher<T> stream(String method, Class<T> itemType, Object... params) {
    return stream(method, token(itemType, "itemType"), params);
  }

  /** Like {@link #stream(String, Class, Object...)}, for a generic item type. */
  public <T> Flow.Publisher<T> stream(String method, TypeToken<T> itemType, Object... params) {
    return dynamic.stream(method, itemType, params);
  }

  /**
   * Sends a notification with positional params.
   *
   * @param method the wire name
   * @param params the positional params; none sends no {@code params} member
   * @return a future that completes when the message was handed to the transport
   * @throws ConnectionClosedException if the connection is closed
   */
  public CompletableFuture<Void> notify(String method, Object... params) {
    return dynamic.notify(method, params);
  }

  /**
   * Sends a notification with named params.
   *
   * @param method the wire name
   * @param params the named params
   * @return a future that completes when the message was handed to the transport
   * @throws ConnectionClosedException if the connection is closed
   */
  public CompletableFuture<Void> notifyNamed(String method, Map<String, ?> params) {
    return dynamic.notifyNamed(method, params);
  }

  /**
   * Asks the other end for the OpenRPC document of the methods it serves ({@code rpc.discover}):
   * {@code peer.discover().get(5, SECONDS).getAsJsonArray("methods")}.
   *
   * @return the future of the document; it fails like any call, with an {@link RpcException} of
   *     code {@link ErrorCodes#METHOD_NOT_FOUND} if the other end has discovery off
   * @see PeerConfig.Builder#discovery(boolean)
   * @since 0.1
   */
  public CompletableFuture<JsonObject> discover() {
    return call("rpc.discover", JsonObject.class);
  }

  /** @return a new, empty batch: calls and notifications sent as one JSON-RPC batch message */
  public Batch batch() {
    return new Batch(pipeline.calls(), dynamic.params());
  }

  /** @return whether the connection is open: false once closed */
  public boolean isOpen() {
    return pipeline.state().isOpen();
  }

  /**
   * Whether both ends agreed Duplex RPC's wire extensions: the transport's handshake agreed the
   * subprotocol {@link Subprotocols#DUPLEX} and this end's {@link PeerConfig#wireExtensions()} is
   * on. Only then does this Peer send anything beyond plain JSON-RPC 2.0 (docs/wire.md,
   * "Extensions"); fixed for the Peer's life.
   *
   * @return true when the wire extensions may be used on this connection
   * @since 0.2
   */
  public boolean extensionsAgreed() {
    return extensionsAgreed;
  }

  /**
   * @return a future that completes, with the exception pending calls failed with, when the
   *     connection closes; it never completes exceptionally
   */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return closing.closeFuture();
  }

  /** @return the number of outgoing calls waiting for a response */
  public int pendingCalls() {
    return pipeline.calls().size();
  }

  /**
   * @return a snapshot of this connection's load: pending calls, handlers running, bytes queued
   * @since 0.2
   */
  public PeerStats stats() {
    return new PeerStats(
        pipeline.calls().size(), pipeline.admission().running(), transport.queuedBytes());
  }

  /**
   * @return the socket address of the other end as the transport knows it (telemetry's {@code
   *     network.peer.address}), or null when not known (the in-memory transport, the client side)
   * @since 0.2
   */
  public InetSocketAddress remoteAddress() {
    return transport.remoteAddress();
  }

  /**
   * @return the host and port the client used to reach the server (telemetry's {@code
   *     server.address}): the URI's on a client, the {@code Host} header on a server; an
   *     unresolved address (port 0 when not known), or null when not known
   * @since 0.2
   */
  public InetSocketAddress serverAddress() {
    return transport.serverAddress();
  }

  /**
   * @return the number of streams open on this connection, in both directions: stream results
   *     and arguments this end sends or receives (docs/streaming.md)
   * @since 0.2
   */
  public int openStreams() {
    return pipeline.streams().open();
  }

  /** @return the configuration this Peer was built with */
  public PeerConfig config() {
    return config;
  }

  /**
   * Free-form attributes of this connection, for the application (for example the logged-in
   * user). Thread-safe and mutable; the library never reads them.
   *
   * @return the attribute map
   */
  public ConcurrentMap<String, Object> attributes() {
    return attributes;
  }

  /**
   * @return the wire names of the methods this Peer's services serve (the built-in {@code
   *     rpc.discover} is not listed): an unmodifiable set, sorted by registration
   */
  public java.util.Set<String> localMethods() {
    return table.methods().keySet();
  }

  /**
   * Closes the connection with code 1000; idempotent. Pending calls fail at once with {@link
   * ConnectionClosedException}. Handlers already running finish, but their responses are dropped.
   */
  @Override
  public void close() {
    close(1000, "normal closure");
  }

  /**
   * Closes the connection with a code and reason. Otherwise like {@link #close()}.
   *
   * @param code a WebSocket close code
   * @param reason a short reason
   */
  public void close(int code, String reason) {
    closing.close(code, reason);
  }

  /**
   * Shuts the connection down gracefully: from now on incoming requests are answered with {@link
   * ErrorCodes#SHUTTING_DOWN} and incoming notifications are dropped, while requests and
   * notifications already accepted run to completion; then the connection is closed with code
   * 1001. If they have not finished within {@code grace}, the connection is closed anyway (their
   * responses are lost). Outgoing calls keep working until the close. Idempotent: a second call
   * returns the same future.
   *
   * @param grace how long to wait for running handlers; zero closes at once
   * @return a future that completes when the connection is closed
   */
  public CompletableFuture<Void> shutdown(Duration grace) {
    return closing.shutdown(grace);
  }

  @Override
  public String toString() {
    return "Peer[" + transport + (isOpen() ? "" : ", closed") + "]";
  }

  /**
   * Builds a {@link Peer}: its transport, its {@link PeerConfig configuration} (shared by many
   * Peers), and what belongs to this connection only. A builder is not thread-safe; {@link
   * #copy()} makes an independent one.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Transport transport;
    private PeerConfig config = PeerConfig.defaults();
    private PeerListener listener;
    private final List<Object> services = new ArrayList<>();
    private FallbackHandler fallback;
    private Builtins builtins;

    Builder() {}

    /** @return an independent copy of this builder */
    public Builder copy() {
      Builder b = new Builder();
      b.transport = transport;
      b.config = config;
      b.listener = listener;
      b.services.addAll(services);
      b.fallback = fallback;
      b.builtins = builtins;
      return b;
    }

    /**
     * The connection to run on. Required.
     *
     * @param transport the transport; started by {@link #build()}
     * @return this builder
     */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      return this;
    }

    /**
     * The engine settings and services. Default: {@link PeerConfig#builder()}'s defaults, no
     * services.
     *
     * @param config the configuration, usually shared by many Peers
     * @return this builder
     */
    public Builder config(PeerConfig config) {
      this.config = Objects.requireNonNull(config, "config == null");
      return this;
    }

    /**
     * Adds a service for this Peer only, besides the configuration's (see {@link
     * PeerConfig.Builder#service(Object)}); bound by {@link #build()}.
     *
     * @param service an object with {@code @RpcMethod} or {@code @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if a method is invalid or the object has no RPC methods
     */
    public Builder service(Object service) {
      services.add(ServiceModel.requireRpcMethods(service));
      return this;
    }

    /**
     * A fallback handler for this Peer only, in place of the configuration's {@link
     * PeerConfig.Builder#fallback(FallbackHandler)}.
     *
     * @param fallback the handler, or null to keep the configuration's
     * @return this builder
     */
    public Builder fallback(FallbackHandler fallback) {
      this.fallback = fallback;
      return this;
    }

    /**
     * Receives lifecycle events.
     *
     * @param listener the listener, or null for none
     * @return this builder
     */
    public Builder listener(PeerListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Builds the Peer and starts its transport: from here on messages are read and served.
     *
     * @return the open Peer
     * @throws IllegalStateException if no transport was set
     * @throws IllegalArgumentException if a service added here registers a wire name already
     *     served
     */
    public Peer build() {
      if (transport == null) {
        throw new IllegalStateException("transport == null: call transport(...) before build()");
      }
      Peer peer = new Peer(this);
      transport.start(peer.closing);
      return peer;
    }
  }
}
