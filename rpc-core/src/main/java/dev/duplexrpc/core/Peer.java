package dev.duplexrpc.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.Discovery;
import dev.duplexrpc.core.internal.LocalMethod;
import dev.duplexrpc.core.internal.MethodTable;
import dev.duplexrpc.core.internal.OpenRpcGenerator;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.ServiceModel;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.call.ParamsWriter;
import dev.duplexrpc.core.internal.codec.MessageParser;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.dispatch.Admission;
import dev.duplexrpc.core.internal.dispatch.Dispatcher;
import dev.duplexrpc.core.internal.dispatch.Receiver;
import dev.duplexrpc.core.internal.proxy.CallTarget;
import dev.duplexrpc.core.internal.proxy.RemoteProxies;
import dev.duplexrpc.core.internal.reply.Outbox;
import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One end of one JSON-RPC connection: it serves the local services to the other end and calls the
 * other end's services. Both sides of a connection, server and client, are Peers.
 *
 * <pre>{@code
 * Peer peer = Peer.builder()
 *     .transport(transport)                 // a WebSocket session, or InMemoryTransport
 *     .service(new CalculatorImpl())        // what the other end may call
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
 *   <li>{@link CancellationException}: the caller cancelled the future (the late response is
 *       dropped).
 * </ul>
 *
 * Blocking proxy methods throw the same exceptions directly.
 *
 * @since 0.1
 */
public final class Peer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Peer.class.getName());

  /** Default {@link Builder#maxMessageSize(int)}: 1 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
  /** Default {@link Builder#maxNestingDepth(int)}: 128. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 128;
  /** Default {@link Builder#maxBatchSize(int)}: 1000. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
  /** Default {@link Builder#maxInFlight(int)}: 1024. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
  /** Default {@link Builder#maxQueuedNotifications(int)}: 10,000. */
  public static final int DEFAULT_MAX_QUEUED_NOTIFICATIONS = 10_000;
  /** Default {@link Builder#callTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

  private static final Gson DEFAULT_GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Transport transport;
  private final Executor executor;
  private final MethodTable table;
  private final PeerListener listener;
  private final ConnectionState state = new ConnectionState();
  private final CallTable calls;
  private final ParamsWriter params;
  private final Admission admission;
  private final Receiver receiver;
  private final RemoteProxies proxies;
  private final CompletableFuture<ConnectionClosedException> closeFuture = new CompletableFuture<>();
  private final ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();

  private Peer(Builder b, MethodTable table) {
    this.transport = b.transport;
    this.executor = b.executor != null ? b.executor : Defaults.defaultExecutor();
    this.table = table;
    this.listener = b.listener;
    MessageWriter writer = new MessageWriter(b.gson);
    this.calls = new CallTable(transport, state, writer, executor, b.maxMessageSize, b.sendCancel,
        b.callTimeout);
    this.params = new ParamsWriter(b.gson);
    this.admission = new Admission(state, this::close, b.maxInFlight, b.maxQueuedNotifications);
    Dispatcher dispatcher = new Dispatcher(transport, table, calls, writer, executor, admission,
        new PeerContexts(this), this::close, b.exposeErrorDetails);
    this.receiver = new Receiver(transport, state, this::close, b.maxMessageSize,
        new MessageParser(b.maxNestingDepth, b.maxBatchSize), writer,
        new Outbox(transport, state, writer, b.maxMessageSize), dispatcher);
    this.proxies = new RemoteProxies(b.gson, new CallTarget() {
      @Override
      public CompletableFuture<Object> request(String method, MessageWriter.Body body,
          com.google.gson.TypeAdapter<?> adapter, long timeoutMillis, boolean async) {
        return calls.request(method, body, adapter, timeoutMillis, async);
      }

      @Override
      public void notification(String method, MessageWriter.Body body) {
        calls.notification(method, body);
      }
    }, this);
  }

  /**
   * A new builder.
   *
   * @return a builder with every default set
   */
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
   * @param resultType the Java type of the result ({@code Void.class} or {@code Object.class} if
   *     it does not matter; {@code JsonElement.class} for the raw tree)
   * @param params the positional params, each serialized by its runtime type; none sends no
   *     {@code params} member
   * @param <T> the result type
   * @return the future of the result; see the class documentation for its exceptional completions
   */
  public <T> CompletableFuture<T> call(String method, Type resultType, Object... params) {
    return call(null, method, resultType, params);
  }

  /**
   * Calls a method of the other end with positional params and a timeout for this call only.
   *
   * @param timeout the call timeout; {@link Duration#ZERO} for none, null for the Peer default
   * @param method the wire name
   * @param resultType the Java type of the result
   * @param params the positional params
   * @param <T> the result type
   * @return the future of the result
   */
  public <T> CompletableFuture<T> call(
      Duration timeout, String method, Type resultType, Object... params) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(resultType, "resultType == null");
    Objects.requireNonNull(params, "params == null");
    return calls.request(method, this.params.positional(params), this.params.adapter(resultType),
        calls.timeoutMillis(timeout), true);
  }

  /**
   * Calls a method of the other end with named params (a JSON object).
   *
   * @param method the wire name
   * @param resultType the Java type of the result
   * @param params the named params, each value serialized by its runtime type
   * @param <T> the result type
   * @return the future of the result
   */
  public <T> CompletableFuture<T> callNamed(String method, Type resultType, Map<String, ?> params) {
    return callNamed(null, method, resultType, params);
  }

  /**
   * Calls a method of the other end with named params and a timeout for this call only.
   *
   * @param timeout the call timeout; {@link Duration#ZERO} for none, null for the Peer default
   * @param method the wire name
   * @param resultType the Java type of the result
   * @param params the named params
   * @param <T> the result type
   * @return the future of the result
   */
  public <T> CompletableFuture<T> callNamed(
      Duration timeout, String method, Type resultType, Map<String, ?> params) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(resultType, "resultType == null");
    Objects.requireNonNull(params, "params == null");
    return calls.request(method, this.params.named(params), this.params.adapter(resultType),
        calls.timeoutMillis(timeout), true);
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
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(params, "params == null");
    return calls.notification(method, this.params.positional(params));
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
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(params, "params == null");
    return calls.notification(method, this.params.named(params));
  }

  /**
   * Asks the other end for the OpenRPC document of the methods it serves ({@code rpc.discover}).
   *
   * <pre>{@code
   * JsonObject doc = peer.discover().get(5, TimeUnit.SECONDS);
   * for (JsonElement m : doc.getAsJsonArray("methods")) {
   *   System.out.println(m.getAsJsonObject().get("name").getAsString());
   * }
   * }</pre>
   *
   * @return the future of the document; it fails like any call, with an {@link RpcException} of
   *     code {@link ErrorCodes#METHOD_NOT_FOUND} if the other end has discovery off
   * @see Builder#discovery(boolean)
   * @since 0.1
   */
  public CompletableFuture<JsonObject> discover() {
    return call("rpc.discover", JsonObject.class);
  }

  /**
   * Starts a batch: several calls and notifications sent as one JSON-RPC batch message.
   *
   * @return a new, empty batch
   */
  public Batch batch() {
    return new Batch(calls, params);
  }

  /**
   * Whether the connection is open.
   *
   * @return false once closed
   */
  public boolean isOpen() {
    return state.isOpen();
  }

  /**
   * A future that completes, with the exception pending calls failed with, when the connection
   * closes. It never completes exceptionally.
   *
   * @return the close future
   */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return closeFuture.thenApply(e -> e);
  }

  /**
   * The number of outgoing calls waiting for a response.
   *
   * @return the pending call count
   */
  public int pendingCalls() {
    return calls.size();
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
   * The wire names of the methods this Peer's services serve (the built-in {@code rpc.discover}
   * is not listed).
   *
   * @return an unmodifiable, sorted-by-registration set of names
   */
  public java.util.Set<String> localMethods() {
    return table.methods().keySet();
  }

  /**
   * Closes the connection with code 1000. Pending calls fail at once with {@link
   * ConnectionClosedException}. Handlers already running finish, but their responses are dropped.
   * Idempotent.
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
    onClosed(code, reason);
    transport.close(code, reason);
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
    Objects.requireNonNull(grace, "grace == null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace < 0: " + grace);
    }
    return admission.shutdown(grace, closeFuture);
  }

  @Override
  public String toString() {
    return "Peer[" + transport + (isOpen() ? "" : ", closed") + "]";
  }

  private void onClosed(int code, String reason) {
    ConnectionClosedException ex = state.close(code, reason);
    if (ex == null) {
      return;
    }
    LOG.log(Level.DEBUG, "Closed {0}: {1} {2}", transport, code, reason);
    calls.closed(ex);
    // The close future's dependents and the listener are user code: run them on the executor.
    Runnable task = () -> {
      closeFuture.complete(ex);
      if (listener != null) {
        listener.onClose(this, code, reason);
      }
    };
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /** What the transport delivers. */
  private final class Inbound implements Transport.Listener {
    @Override
    public void onMessage(String message) {
      receiver.receive(message);
    }

    @Override
    public void onClose(int code, String reason) {
      onClosed(code, reason);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Builder

  /**
   * Builds a {@link Peer}. Every setter validates its argument at once. A builder is not
   * thread-safe; {@link #copy()} makes an independent one (a server keeps one as a template and
   * copies it for each connection).
   *
   * @since 0.1
   */
  public static final class Builder {
    private Transport transport;
    private final List<Object> services = new ArrayList<>();
    private Executor executor;
    private Gson gson = DEFAULT_GSON;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxQueuedNotifications = DEFAULT_MAX_QUEUED_NOTIFICATIONS;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private boolean exposeErrorDetails;
    private boolean sendCancel = true;
    private PeerListener listener;
    private FallbackHandler fallback;
    private boolean discovery = true;
    private String discoveryTitle = "Duplex RPC service";
    private String discoveryVersion = "0.0.0";
    private List<JsonObject> discoveryMethods = List.of(); // checked copies, never modified
    private Discovery.Cache discoveryCache = new Discovery.Cache(); // shared with copies

    Builder() {}

    /**
     * An independent copy of this builder, with the same settings and services.
     *
     * @return the copy
     */
    public Builder copy() {
      Builder b = new Builder();
      b.transport = transport;
      b.services.addAll(services);
      b.executor = executor;
      b.gson = gson;
      b.maxMessageSize = maxMessageSize;
      b.maxNestingDepth = maxNestingDepth;
      b.maxBatchSize = maxBatchSize;
      b.maxInFlight = maxInFlight;
      b.maxQueuedNotifications = maxQueuedNotifications;
      b.callTimeout = callTimeout;
      b.exposeErrorDetails = exposeErrorDetails;
      b.sendCancel = sendCancel;
      b.listener = listener;
      b.fallback = fallback;
      b.discovery = discovery;
      b.discoveryTitle = discoveryTitle;
      b.discoveryVersion = discoveryVersion;
      b.discoveryMethods = discoveryMethods;
      b.discoveryCache = discoveryCache;
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
     * Adds a service whose annotated methods the other end may call. The instance is shared by
     * every call (and by every connection the builder is copied for), so it must be thread-safe.
     * Its class is checked at once.
     *
     * @param service an object whose class or interfaces carry {@code @RpcMethod} or {@code
     *     @RpcNotification} methods
     * @return this builder
     * @throws IllegalArgumentException if a method is invalid or the object has no RPC methods
     */
    public Builder service(Object service) {
      Objects.requireNonNull(service, "service == null");
      if (ServiceModel.of(service.getClass()).methods().isEmpty()) {
        throw new IllegalArgumentException(
            service.getClass().getName()
                + " has no @RpcMethod or @RpcNotification methods (in itself, its superclasses or"
                + " its interfaces)");
      }
      services.add(service);
      return this;
    }

    /**
     * The executor handlers run on. By default: virtual threads on Java 21 and later; on runtimes
     * without them (17 to 20) a shared pool of {@code max(8, 4 × cores)} daemon threads that grows, up to 256, while
     * handlers wait on calls. An executor given here belongs to the caller and is never shut
     * down by the library.
     *
     * @param executor the executor, or null for the default
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * The Gson instance that converts params and results; its type adapters and settings
     * (field naming, null serialization, HTML escaping, pretty printing, ...) are honoured.
     * Default: {@code new GsonBuilder().disableHtmlEscaping().create()}, so strings go out as
     * they are rather than with {@code <}, {@code >}, {@code &}, {@code =} and {@code '} escaped.
     *
     * @param gson the Gson instance
     * @return this builder
     */
    public Builder gson(Gson gson) {
      this.gson = Objects.requireNonNull(gson, "gson == null");
      return this;
    }

    /**
     * The largest message, in characters, accepted or sent. A larger incoming message closes
     * the connection with code 1009; a larger outgoing call, notification or batch fails with
     * {@link ErrorCodes#LIMIT_EXCEEDED}; a larger response (a result or an error) is replaced by
     * that error, with its id, or with id null if even the error is too large with its id. In a
     * batch reply the largest responses are replaced until it fits (with id null where the id is
     * what makes one large); if it still does not fit, the reply is one such error with id null.
     * Default 1 MiB (1,048,576); at least 256.
     *
     * @param chars the limit in characters
     * @return this builder
     */
    public Builder maxMessageSize(int chars) {
      if (chars < 256) {
        throw new IllegalArgumentException("maxMessageSize < 256: " + chars);
      }
      this.maxMessageSize = chars;
      return this;
    }

    /**
     * The deepest JSON nesting accepted in an incoming message (the envelope counts as one
     * level). Deeper messages get {@link ErrorCodes#LIMIT_EXCEEDED}. Default 128; at least 3.
     *
     * @param depth the limit
     * @return this builder
     */
    public Builder maxNestingDepth(int depth) {
      if (depth < 3) {
        throw new IllegalArgumentException("maxNestingDepth < 3: " + depth);
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /**
     * The largest incoming batch. A longer batch gets one {@link ErrorCodes#LIMIT_EXCEEDED} error
     * and none of it runs. Default 1000; at least 1.
     *
     * @param items the limit
     * @return this builder
     */
    public Builder maxBatchSize(int items) {
      if (items < 1) {
        throw new IllegalArgumentException("maxBatchSize < 1: " + items);
      }
      this.maxBatchSize = items;
      return this;
    }

    /**
     * The most incoming requests being handled at once on this connection. Past it a request
     * gets {@link ErrorCodes#OVERLOADED} at once and is not run; the caller may retry. Default
     * 1024; at least 1.
     *
     * @param requests the limit
     * @return this builder
     */
    public Builder maxInFlight(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxInFlight < 1: " + requests);
      }
      this.maxInFlight = requests;
      return this;
    }

    /**
     * The most incoming notifications waiting or running on this connection (they run one at a
     * time, in order). A notification cannot be answered with an error, so past the limit the
     * connection is closed with code 1008 and a reason, rather than dropping anything silently.
     * Default 10,000; at least 1.
     *
     * @param notifications the limit
     * @return this builder
     */
    public Builder maxQueuedNotifications(int notifications) {
      if (notifications < 1) {
        throw new IllegalArgumentException("maxQueuedNotifications < 1: " + notifications);
      }
      this.maxQueuedNotifications = notifications;
      return this;
    }

    /**
     * How long an outgoing call waits for its response before failing with {@link
     * RpcTimeoutException}. {@link Duration#ZERO} means no timeout. Default 30 seconds. A method's
     * {@code @RpcMethod(timeoutMillis = ...)} and a per-call timeout take precedence.
     *
     * @param timeout the timeout, zero for none
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("callTimeout < 0: " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * Whether an unexpected handler exception puts its class name and message in the error's
     * {@code data}. Off by default: the other end sees only "Internal error", and the exception
     * is logged here. Stack traces are never sent.
     *
     * @param expose true to expose class and message
     * @return this builder
     */
    public Builder exposeErrorDetails(boolean expose) {
      this.exposeErrorDetails = expose;
      return this;
    }

    /**
     * Whether a call that is cancelled or times out sends the notification {@code rpc.cancel}
     * with params {@code {"id": <the call's id>}}, so that the other end stops working on it. On
     * by default; turn it off for a remote that answers unknown notifications with errors.
     *
     * @param send false to cancel locally only
     * @return this builder
     */
    public Builder sendCancel(boolean send) {
      this.sendCancel = send;
      return this;
    }

    /**
     * Serves the requests and notifications that no registered service has a method for (see
     * {@link FallbackHandler}). Without one, such a request is answered {@link
     * ErrorCodes#METHOD_NOT_FOUND} and such a notification is dropped.
     *
     * @param fallback the handler, or null for none
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
     * Whether this Peer answers {@code rpc.discover} with the OpenRPC 1.3 document of its methods:
     * their names, params and results with JSON Schemas of their Java types as the Peer's Gson
     * writes them, declared {@link dev.duplexrpc.core.annotation.RpcError errors} and
     * deprecation. On by default; off, {@code rpc.discover} gets {@link
     * ErrorCodes#METHOD_NOT_FOUND}. The document is made on the first request and reused, also by
     * the Peers built from copies of this builder.
     *
     * @param enabled false to turn discovery off
     * @return this builder
     * @since 0.1
     */
    public Builder discovery(boolean enabled) {
      this.discovery = enabled;
      return this;
    }

    /**
     * The {@code info} of the {@code rpc.discover} document: the API's title and version (of the
     * API, not of OpenRPC). Default title "Duplex RPC service", version "0.0.0".
     *
     * @param title the title, not empty
     * @param version the version, not empty
     * @return this builder
     * @throws IllegalArgumentException if either is empty
     * @since 0.1
     */
    public Builder discoveryInfo(String title, String version) {
      Objects.requireNonNull(title, "title == null");
      Objects.requireNonNull(version, "version == null");
      if (title.isEmpty() || version.isEmpty()) {
        throw new IllegalArgumentException("empty discovery title or version");
      }
      this.discoveryTitle = title;
      this.discoveryVersion = version;
      return this;
    }

    /**
     * Method objects to list in the {@code rpc.discover} document besides those of the services:
     * descriptions of methods this Peer serves without a service, through its {@link
     * #fallback(FallbackHandler) fallback handler} (the server describes its {@code rpc.on} and
     * {@code rpc.off} this way). Each is an OpenRPC 1.3 method object, listed as it is among the
     * others in name order; its schemas must be self-contained (the document's {@code components}
     * are made for the services). Replaces the objects set before; none by default. Ignored when
     * discovery is off.
     *
     * <pre>{@code
     * JsonObject echo = JsonParser.parseString("{\"name\": \"echo\", \"params\": [{\"name\": \"text\","
     *     + " \"required\": true, \"schema\": {\"type\": \"string\"}}], \"result\": {\"name\":"
     *     + " \"echoResult\", \"schema\": {\"type\": \"string\"}}}").getAsJsonObject();
     * Peer.builder().fallback(echoHandler).discoveryMethods(List.of(echo)) ...
     * }</pre>
     *
     * @param methods the method objects; copied, so changing them later changes nothing here
     * @return this builder
     * @throws IllegalArgumentException if one has no non-empty string {@code name} or no {@code
     *     params} array, is named {@code rpc.discover}, or two share a name; {@link #build()}
     *     also throws it if one names a method a service serves
     * @since 0.1
     */
    public Builder discoveryMethods(Collection<JsonObject> methods) {
      Objects.requireNonNull(methods, "methods == null");
      this.discoveryMethods = OpenRpcGenerator.checkDescribed(methods);
      return this;
    }

    /**
     * Builds the Peer and starts its transport: from here on messages are read and served.
     *
     * @return the open Peer
     * @throws IllegalStateException if no transport was set
     * @throws IllegalArgumentException if two services register the same wire name, or a {@link
     *     #discoveryMethods method object} names a method a service serves
     */
    public Peer build() {
      if (transport == null) {
        throw new IllegalStateException("transport == null: call transport(...) before build()");
      }
      Map<String, LocalMethod> table = new LinkedHashMap<>();
      for (Object service : services) {
        for (ServiceMethod sm : ServiceModel.of(service.getClass()).methods()) {
          LocalMethod lm = LocalMethod.bind(sm, service, gson);
          LocalMethod clash = table.putIfAbsent(sm.wireName(), lm);
          if (clash != null) {
            throw new IllegalArgumentException(
                "Duplicate RPC method name '" + sm.wireName() + "', also registered by "
                    + clash.model().javaName() + "\n    for method " + sm.javaName());
          }
        }
      }
      Map<String, LocalMethod> builtins =
          discovery
              ? Discovery.methods(table.values(), discoveryMethods, discoveryTitle, discoveryVersion,
                  gson, discoveryCache)
              : Map.of();
      Peer peer = new Peer(this, new MethodTable(Collections.unmodifiableMap(table), builtins,
          fallback == null ? null : LocalMethod.fallback(fallback, gson)));
      transport.start(peer.new Inbound());
      return peer;
    }
  }
}
