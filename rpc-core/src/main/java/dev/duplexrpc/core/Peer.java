package dev.duplexrpc.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.Discovery;
import dev.duplexrpc.core.internal.Id;
import dev.duplexrpc.core.internal.LocalMethod;
import dev.duplexrpc.core.internal.Message;
import dev.duplexrpc.core.internal.MessageParser;
import dev.duplexrpc.core.internal.MessageWriter;
import dev.duplexrpc.core.internal.OpenRpcGenerator;
import dev.duplexrpc.core.internal.ParseResult;
import dev.duplexrpc.core.internal.RemoteMethod;
import dev.duplexrpc.core.internal.SerialExecutor;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.ServiceModel;
import dev.duplexrpc.core.transport.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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

  private static final Object[] NO_ARGS = {};
  private static final Gson DEFAULT_GSON = new GsonBuilder().disableHtmlEscaping().create();

  private final Transport transport;
  private final Gson gson;
  private final Executor executor;
  private final SerialExecutor notifications;
  private final Map<String, LocalMethod> methods;
  private final LocalMethod fallback; // null when none
  private final Map<String, LocalMethod> builtins;
  private final int maxMessageSize;
  private final int maxInFlight;
  private final int maxQueuedNotifications;
  private final long callTimeoutMillis;
  private final boolean exposeErrorDetails;
  private final boolean sendCancel;
  private final PeerListener listener;
  private final MessageParser parser;
  private final MessageWriter writer;

  private final ConcurrentHashMap<Long, PendingCall> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Accepted requests whose response has not been handed to the transport yet (for shutdown). */
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger queuedNotifications = new AtomicInteger();
  private final ConcurrentHashMap<Id, Running> running = new ConcurrentHashMap<>();
  private volatile CompletableFuture<Void> drained;
  private final AtomicReference<ConnectionClosedException> closed = new AtomicReference<>();
  private final CompletableFuture<ConnectionClosedException> closeFuture = new CompletableFuture<>();
  private final ConcurrentHashMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();

  private Peer(Builder b, Map<String, LocalMethod> methods, Map<String, LocalMethod> builtins) {
    this.transport = b.transport;
    this.gson = b.gson;
    this.executor = b.executor != null ? b.executor : Defaults.defaultExecutor();
    this.notifications = new SerialExecutor(executor);
    this.methods = methods;
    this.fallback = b.fallback == null ? null : LocalMethod.fallback(b.fallback, gson);
    this.builtins = builtins;
    this.maxMessageSize = b.maxMessageSize;
    this.maxInFlight = b.maxInFlight;
    this.maxQueuedNotifications = b.maxQueuedNotifications;
    this.callTimeoutMillis = millisRoundedUp(b.callTimeout);
    this.exposeErrorDetails = b.exposeErrorDetails;
    this.sendCancel = b.sendCancel;
    this.listener = b.listener;
    this.parser = new MessageParser(b.maxNestingDepth, b.maxBatchSize);
    this.writer = new MessageWriter(gson);
  }

  /**
   * A new builder.
   *
   * @return a builder with every default set
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

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
    Objects.requireNonNull(service, "service == null");
    return service.cast(proxies.computeIfAbsent(service, this::newProxy));
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
    return sendRequest(method, positional(params), adapter(resultType), timeoutMillis(timeout), true);
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
    return sendRequest(method, named(params), adapter(resultType), timeoutMillis(timeout), true);
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
    return sendNotification(method, positional(params));
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
    return sendNotification(method, named(params));
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
    return new Batch(this);
  }

  /**
   * Whether the connection is open.
   *
   * @return false once closed
   */
  public boolean isOpen() {
    return closed.get() == null;
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
    return pending.size();
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
    return methods.keySet();
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
    CompletableFuture<Void> done;
    synchronized (this) {
      if (drained != null) {
        return drained.thenApply(v -> v);
      }
      done = new CompletableFuture<>();
      drained = done;
    }
    closeFuture.whenComplete((e, t) -> done.complete(null));
    ScheduledFuture<?> timer =
        Defaults.timer().schedule(() -> close(1001, "going away"), millisRoundedUp(grace), TimeUnit.MILLISECONDS);
    done.whenComplete((v, t) -> timer.cancel(false));
    checkDrained();
    return done.thenApply(v -> v);
  }

  /** Closes a draining Peer once nothing it accepted is still running. */
  private void checkDrained() {
    if (drained != null && unanswered.get() == 0 && queuedNotifications.get() == 0 && isOpen()) {
      close(1001, "going away");
    }
  }

  @Override
  public String toString() {
    return "Peer[" + transport + (isOpen() ? "" : ", closed") + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Outgoing

  private long timeoutMillis(Duration timeout) {
    if (timeout == null) {
      return callTimeoutMillis;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout < 0: " + timeout);
    }
    return millisRoundedUp(timeout);
  }

  /** Whole milliseconds, rounded up so that a positive timeout never becomes "none". */
  private static long millisRoundedUp(Duration d) {
    if (d.isZero()) {
      return 0;
    }
    long ms = d.toMillis();
    return d.minusMillis(ms).isZero() ? ms : ms + 1;
  }

  private TypeAdapter<?> adapter(Type type) {
    return type == Void.class || type == void.class ? null : gson.getAdapter(TypeToken.get(type));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void writeValue(JsonWriter out, Object v) throws IOException {
    if (v == null) {
      out.jsonValue("null");
    } else {
      ((TypeAdapter) gson.getAdapter(v.getClass())).write(out, v);
    }
  }

  MessageWriter.Body positional(Object[] params) {
    if (params.length == 0) {
      return null;
    }
    Object[] copy = params.clone();
    return out -> {
      out.beginArray();
      for (Object v : copy) {
        writeValue(out, v);
      }
      out.endArray();
    };
  }

  MessageWriter.Body named(Map<String, ?> params) {
    Map<String, ?> copy = new LinkedHashMap<>(params);
    return out -> {
      out.beginObject();
      for (Map.Entry<String, ?> e : copy.entrySet()) {
        out.name(Objects.requireNonNull(e.getKey(), "param name == null"));
        writeValue(out, e.getValue());
      }
      out.endObject();
    };
  }

  <T> CompletableFuture<T> sendRequest(
      String method, MessageWriter.Body params, TypeAdapter<?> adapter, long timeoutMillis, boolean async) {
    CallFuture<T> future = new CallFuture<>();
    ConnectionClosedException c = closed.get();
    if (c != null) {
      future.completeExceptionally(c);
      return future;
    }
    long id = nextId.incrementAndGet();
    String text;
    try {
      text = writer.request(id, method, params);
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
      return future;
    }
    if (text.length() > maxMessageSize) {
      future.completeExceptionally(tooLarge("request to '" + method + "'", text.length()));
      return future;
    }
    PendingCall call = new PendingCall(id, method, adapter, future, async);
    future.call = call;
    pending.put(id, call);
    register(call, timeoutMillis);
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        failPending(call, sendFailure(e));
      }
    });
    return future;
  }

  /** Arms the timeout and re-checks the close that may have raced the put. */
  private void register(PendingCall call, long timeoutMillis) {
    if (timeoutMillis > 0) {
      call.timer =
          Defaults.timer()
              .schedule(
                  () -> failPending(call, new RpcTimeoutException(call.method, Duration.ofMillis(timeoutMillis))),
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
    }
    ConnectionClosedException c = closed.get();
    if (c != null) {
      failPending(call, c);
    }
  }

  private void failPending(PendingCall call, Throwable error) {
    if (pending.remove(call.id, call)) {
      call.deliver(null, error);
      if (error instanceof RpcTimeoutException) {
        sendCancel(call.id);
      }
    }
  }

  /** Tells the other end to stop working on one of our calls; best effort. */
  private void sendCancel(long id) {
    if (!sendCancel || closed.get() != null) {
      return;
    }
    String text = writer.notification(CANCEL, out -> out.beginObject().name("id").value(id).endObject());
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "rpc.cancel for {0} not sent: {1}", id, e);
      }
    });
  }

  private RpcException sendFailure(Throwable e) {
    ConnectionClosedException c = closed.get();
    if (c != null) {
      return c;
    }
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof RpcException r) { // the transport's own verdict (a cluster: -32007)
      return r;
    }
    ConnectionClosedException ex = new ConnectionClosedException(1006, "send failed: " + cause);
    // Not initCause: RpcException's constructor already set the cause (to null), so initCause
    // would throw, inside the send's completion handler, and leave the call pending.
    ex.addSuppressed(cause);
    return ex;
  }

  private RpcException tooLarge(String what, int length) {
    JsonObject data = new JsonObject();
    data.addProperty(
        "reason", what + " is " + length + " characters, over the limit of " + maxMessageSize);
    return new RpcException(ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
  }

  private CompletableFuture<Void> sendNotification(String method, MessageWriter.Body params) {
    ConnectionClosedException c = closed.get();
    if (c != null) {
      throw c;
    }
    String text = writer.notification(method, params);
    if (text.length() > maxMessageSize) {
      throw tooLarge("notification '" + method + "'", text.length());
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Notification {0} not sent: {1}", method, e);
        sent.completeExceptionally(sendFailure(e));
      } else {
        sent.complete(null);
      }
    });
    return sent;
  }

  void sendBatch(List<Batch.Entry> entries) {
    ConnectionClosedException c = closed.get();
    if (c != null) {
      for (Batch.Entry e : entries) {
        if (e.future != null) {
          e.future.completeExceptionally(c);
        }
      }
      throw c;
    }
    StringBuilder sb = new StringBuilder().append('[');
    List<PendingCall> calls = new ArrayList<>();
    try {
      for (Batch.Entry e : entries) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        if (e.future == null) {
          sb.append(writer.notification(e.method, e.params));
        } else {
          long id = nextId.incrementAndGet();
          sb.append(writer.request(id, e.method, e.params));
          PendingCall call = new PendingCall(id, e.method, e.adapter, e.future, true);
          e.future.call = call;
          calls.add(call);
        }
      }
    } catch (RuntimeException ex) {
      for (Batch.Entry e : entries) {
        if (e.future != null) {
          e.future.completeExceptionally(ex);
        }
      }
      throw ex;
    }
    String text = sb.append(']').toString();
    if (text.length() > maxMessageSize) {
      RpcException ex = tooLarge("batch", text.length());
      for (Batch.Entry e : entries) {
        if (e.future != null) {
          e.future.completeExceptionally(ex);
        }
      }
      throw ex;
    }
    for (PendingCall call : calls) {
      pending.put(call.id, call);
      register(call, callTimeoutMillis);
    }
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        RpcException ex = sendFailure(e);
        for (PendingCall call : calls) {
          failPending(call, ex);
        }
      }
    });
  }

  CallFuture<Object> newBatchFuture() {
    return new CallFuture<>();
  }

  TypeAdapter<?> batchAdapter(Type type) {
    return adapter(type);
  }

  // ---------------------------------------------------------------------------------------------
  // Incoming

  private final class Inbound implements Transport.Listener {
    @Override
    public void onMessage(String message) {
      receive(message);
    }

    @Override
    public void onClose(int code, String reason) {
      onClosed(code, reason);
    }
  }

  /** Where the responses a message owes go: straight out, or into a batch reply. */
  private interface Replies {
    /** Reserves one response; call before dispatching the work that produces it. */
    Sink owe();
  }

  @FunctionalInterface
  private interface Sink {
    /** Takes the response to the request with this id; it is kept within maxMessageSize. */
    void reply(Id id, String json);
  }

  private final Replies direct = () -> (id, json) -> send(fitted(id, json));

  private void receive(String text) {
    if (closed.get() != null) {
      return;
    }
    if (text.length() > maxMessageSize) {
      String reason = "Message too big: " + text.length() + " > " + maxMessageSize;
      LOG.log(Level.WARNING, "Closing {0}: {1}", transport, reason);
      close(1009, reason);
      return;
    }
    ParseResult parsed = parser.parse(text);
    if (!parsed.ok()) {
      LOG.log(Level.DEBUG, "Rejected message: {0}", parsed.errorDetail());
      JsonElement data = null;
      if (parsed.errorCode() == ErrorCodes.LIMIT_EXCEEDED) {
        JsonObject d = new JsonObject();
        d.addProperty("reason", parsed.errorDetail());
        data = d;
      }
      send(writer.error(Id.NULL, parsed.errorCode(), ErrorCodes.message(parsed.errorCode()), data));
      return;
    }
    if (!parsed.batch()) {
      route(parsed.messages().get(0), direct);
    } else if (parsed.messages().isEmpty()) {
      send(writer.error(Id.NULL, ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
    } else {
      BatchReply batch = new BatchReply();
      for (Message m : parsed.messages()) {
        route(m, batch);
      }
      batch.seal();
    }
  }

  /** One response of a batch reply. */
  private record Reply(Id id, String json) {}

  /** Collects a batch's responses and sends them as one array once the last one is in. */
  private final class BatchReply implements Replies {
    private final AtomicInteger outstanding = new AtomicInteger(1); // 1 = not sealed yet
    private final List<Reply> replies = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Sink owe() {
      outstanding.incrementAndGet();
      return (id, json) -> {
        replies.add(new Reply(id, fitted(id, json)));
        done();
      };
    }

    void seal() {
      done();
    }

    private void done() {
      if (outstanding.decrementAndGet() == 0 && !replies.isEmpty()) {
        send(batchReply(replies));
      }
    }
  }

  /**
   * A response as it may be sent: itself if it fits in the message size limit, else a -32003
   * error with its id, or with id null if even that is too large (a long id).
   */
  private String fitted(Id id, String json) {
    if (json.length() <= maxMessageSize) {
      return json;
    }
    JsonElement data = tooLarge("response", json.length()).data();
    String error = writer.error(id, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
    return error.length() <= maxMessageSize
        ? error
        : writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
  }

  /**
   * A batch's responses as one array within the message size limit. While it is too large, the
   * largest response is replaced by a -32003 error with its id (id null if the id is what makes
   * the response large), so every other response still arrives. If even that does not fit, the
   * reply is one -32003 error with id null.
   */
  private String batchReply(List<Reply> replies) {
    int n = replies.size();
    String[] texts = new String[n];
    long length = n + 1; // the brackets and the commas
    for (int i = 0; i < n; i++) {
      texts[i] = replies.get(i).json();
      length += texts[i].length();
    }
    if (length > maxMessageSize) {
      JsonElement data =
          tooLarge("batch response", (int) Math.min(length, Integer.MAX_VALUE)).data();
      List<Integer> largestFirst = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        largestFirst.add(i);
      }
      largestFirst.sort((a, b) -> Integer.compare(texts[b].length(), texts[a].length()));
      for (int i : largestFirst) {
        if (length <= maxMessageSize) {
          break;
        }
        String error =
            writer.error(replies.get(i).id(), ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
        if (error.length() >= texts[i].length()) { // the id is what makes it large
          error = writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
        }
        if (error.length() < texts[i].length()) {
          length += error.length() - texts[i].length();
          texts[i] = error;
        }
      }
      if (length > maxMessageSize) {
        return writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
      }
    }
    return "[" + String.join(",", texts) + "]";
  }

  /** A served method by wire name: a service's, or a built-in {@code rpc.} one. */
  private LocalMethod local(String name) {
    LocalMethod method = methods.get(name);
    return method != null || !name.startsWith("rpc.") ? method : builtins.get(name);
  }

  private void route(Message m, Replies replies) {
    if (!m.object) {
      replies.owe().reply(
          Id.NULL, writer.error(Id.NULL, ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
      return;
    }
    if (m.isResponse()) {
      onResponse(m);
      return;
    }
    if (m.isEventForm()) { // rpc-websockets' {"notification": name, "params": ...}
      if (m.hasParams && (m.params == null || !m.params.isStructured())) {
        LOG.log(Level.DEBUG, "Dropping event {0}: params is not an array or object", m.notification);
        return;
      }
      m.method = m.notification; // from here on, a notification of that name
      m.hasMethod = true;
      m.jsonrpc = "2.0";
    }
    if (m.hasId && m.id == null) { // an id that is neither string, number nor null
      replies.owe().reply(
          Id.NULL, writer.error(Id.NULL, ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
      return;
    }
    boolean badParams =
        m.hasParams && (m.params == null || !m.params.isStructured());
    if (!"2.0".equals(m.jsonrpc) || m.method == null || badParams) {
      replies.owe().reply(
          m.replyId(), writer.error(m.replyId(), ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
      return;
    }
    LocalMethod method = resolve(m);
    if (!m.hasId) {
      if (method == null) {
        if (CANCEL.equals(m.method) || LSP_CANCEL.equals(m.method)) {
          onCancel(m);
        } else {
          LOG.log(Level.DEBUG, "Dropping notification for unknown method {0}", m.method);
        }
        return;
      }
      if (queuedNotifications.incrementAndGet() > maxQueuedNotifications) {
        queuedNotifications.decrementAndGet();
        String reason = "Notification backlog over " + maxQueuedNotifications;
        LOG.log(Level.WARNING, "Closing {0}: {1}", transport, reason);
        close(1008, reason);
        return;
      }
      if (drained != null) {
        queuedNotifications.decrementAndGet();
        LOG.log(Level.DEBUG, "Dropping notification {0}: shutting down", m.method);
        checkDrained();
        return;
      }
      try {
        notifications.execute(() -> runNotification(method, m));
      } catch (RejectedExecutionException e) {
        queuedNotifications.decrementAndGet();
        LOG.log(Level.WARNING, "Dropping notification {0}: executor rejected it", m.method);
      }
      return;
    }
    Sink sink = replies.owe();
    Id id = m.id;
    if (method == null) {
      sink.reply(id, writer.error(id, ErrorCodes.METHOD_NOT_FOUND, "Method not found", null));
      return;
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      sink.reply(id, overloaded(id, maxInFlight + " requests already in flight on this connection"));
      return;
    }
    unanswered.incrementAndGet();
    if (drained != null) { // checked after counting, so that a shutdown never misses this request
      inFlight.decrementAndGet();
      sink.reply(id, writer.error(id, ErrorCodes.SHUTTING_DOWN, "Shutting down", null));
      unanswered.decrementAndGet();
      checkDrained();
      return;
    }
    Running run = new Running(id);
    if (running.putIfAbsent(id, run) != null) {
      run = new Running(id); // a duplicate id in flight: served, but cannot be cancelled by id
      run.tracked = false;
    }
    Running r = run;
    try {
      executor.execute(() -> runRequest(method, m, r, sink));
    } catch (RejectedExecutionException e) {
      untrack(r);
      inFlight.decrementAndGet();
      sink.reply(id, overloaded(id, "the executor rejected the request"));
      unanswered.decrementAndGet();
      checkDrained();
    }
  }

  /** The service method for a message, else the fallback (but not for cancellations), else null. */
  private LocalMethod resolve(Message m) {
    LocalMethod method = local(m.method);
    if (method != null || (!m.hasId && (CANCEL.equals(m.method) || LSP_CANCEL.equals(m.method)))) {
      return method;
    }
    return fallback;
  }

  /** The wire name of the cancellation notification this library sends and accepts. */
  static final String CANCEL = "rpc.cancel";
  /** LSP's name for the same notification, accepted as an alias. */
  static final String LSP_CANCEL = "$/cancelRequest";

  /** Handles {@code rpc.cancel} / {@code $/cancelRequest}: params {@code {"id": x}} or {@code [x]}. */
  private void onCancel(Message m) {
    Id id = null;
    JsonElement params;
    try {
      params = m.params == null ? null : m.params.tree();
    } catch (RuntimeException e) { // valid JSON that Gson cannot read (see JsonSlice#read)
      LOG.log(Level.DEBUG, "{0} with params that do not convert: {1}", m.method, e.getMessage());
      return;
    }
    JsonElement raw =
        params == null ? null
            : params.isJsonObject() ? params.getAsJsonObject().get("id")
            : params.isJsonArray() && params.getAsJsonArray().size() == 1 ? params.getAsJsonArray().get(0)
            : null;
    if (raw != null && raw.isJsonPrimitive()) {
      id = raw.getAsJsonPrimitive().isString()
          ? Id.ofString(raw.getAsString())
          : raw.getAsJsonPrimitive().isNumber() ? Id.ofNumberLiteral(raw.getAsString()) : null;
    }
    Running r = id == null ? null : running.get(id);
    if (r == null) {
      LOG.log(Level.DEBUG, "{0} for no running request: {1}", m.method, params);
      return;
    }
    // The interrupt happens here (no user code runs); cancelling a handler's future may run user
    // callbacks, so that goes to the executor.
    java.util.concurrent.Future<?> future = r.cancel();
    if (future != null) {
      try {
        executor.execute(() -> future.cancel(true));
      } catch (RejectedExecutionException e) {
        future.cancel(true);
      }
    }
  }

  private void untrack(Running r) {
    if (r.tracked) {
      running.remove(r.id, r);
    }
  }

  /**
   * One incoming request being served: the thread running its synchronous part, the future its
   * handler returned, and whether it was cancelled. Guarded by its own monitor so that an
   * interrupt never reaches a thread that has moved on to other work.
   */
  private static final class Running {
    final Id id;
    boolean tracked = true;
    private Thread thread;
    private java.util.concurrent.Future<?> future;
    private boolean cancelled;
    private boolean done;

    Running(Id id) {
      this.id = id;
    }

    /** Called by the serving thread before the handler runs; false if already cancelled. */
    synchronized boolean start() {
      if (cancelled) {
        return false;
      }
      thread = Thread.currentThread();
      return true;
    }

    /** Called by the serving thread after the handler's synchronous part. */
    void endSync(Object result) {
      java.util.concurrent.Future<?> toCancel = null;
      synchronized (this) {
        thread = null;
        if (cancelled) {
          Thread.interrupted(); // clear our interrupt so it does not leak into the pool thread
        }
        if (result instanceof java.util.concurrent.Future<?> f) {
          future = f;
          if (cancelled) {
            toCancel = f;
          }
        }
      }
      if (toCancel != null) {
        toCancel.cancel(true);
      }
    }

    /**
     * Marks the request cancelled and interrupts the thread running its synchronous part.
     *
     * @return the future the handler returned, for the caller to cancel, or null
     */
    synchronized java.util.concurrent.Future<?> cancel() {
      if (cancelled || done) {
        return null;
      }
      cancelled = true;
      if (thread != null) {
        thread.interrupt();
      }
      return future;
    }

    /** Marks the request answered; true if it was cancelled. */
    synchronized boolean finish() {
      done = true;
      return cancelled;
    }
  }

  private String overloaded(Id id, String reason) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    return writer.error(id, ErrorCodes.OVERLOADED, "Overloaded", data);
  }

  private void runRequest(LocalMethod method, Message m, Running run, Sink sink) {
    Id id = run.id;
    if (!run.start()) {
      finish(method, run, sink, null, new CancellationException());
      return;
    }
    Object result = null;
    Throwable failure = null;
    CallContext context = new CallContext(this, m.method, false);
    CallContext previous = CallContext.enter(context);
    try {
      result = method.invoke(method.bindParams(m.params, context));
    } catch (Throwable t) {
      failure = t;
    } finally {
      CallContext.exit(previous);
      run.endSync(result);
    }
    if (failure != null) {
      finish(method, run, sink, null, failure);
    } else if (result instanceof CompletionStage<?> stage
        && method.model().resultKind() == ServiceMethod.ResultKind.FUTURE) {
      stage.whenComplete((v, e) -> finish(method, run, sink, v, e));
    } else {
      finish(method, run, sink, result, null);
    }
  }

  private void finish(LocalMethod method, Running run, Sink sink, Object value, Throwable error) {
    Id id = run.id;
    untrack(run);
    if (run.finish()) {
      error = new CancellationException(); // cancelled by the caller: whatever the handler did
    }
    String text;
    try {
      if (error != null) {
        text = errorReply(method.model().wireName(), id, error);
      } else {
        try {
          text = writer.result(id, method.resultBody(value));
        } catch (IOException | RuntimeException e) {
          text = errorReply(method.model().wireName(), id, e);
        }
      }
    } finally {
      // Free the slot before the response goes out: the caller may send its next request as
      // soon as it has the response, and must not find this one still counted.
      inFlight.decrementAndGet();
    }
    sink.reply(id, text); // the sink keeps it within the message size limit
    unanswered.decrementAndGet(); // only now may a shutdown close: the response is on its way
    checkDrained();
  }

  private String errorReply(String method, Id id, Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof RpcException e) {
      return writer.error(id, e.code(), e.errorMessage(), e.data());
    }
    if (t instanceof CancellationException) {
      return writer.error(id, ErrorCodes.CANCELLED, "Request cancelled", null);
    }
    LOG.log(Level.WARNING, "Handler for " + method + " (id " + id + ") failed", t);
    JsonObject data = null;
    if (exposeErrorDetails) {
      data = new JsonObject();
      data.addProperty("exception", t.getClass().getName());
      if (t.getMessage() != null) {
        data.addProperty("message", t.getMessage());
      }
    }
    return writer.error(id, ErrorCodes.INTERNAL_ERROR, "Internal error", data);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof ExecutionException
            || t instanceof InvocationTargetException
            || t instanceof UndeclaredThrowableException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void runNotification(LocalMethod method, Message m) {
    CallContext context = new CallContext(this, m.method, true);
    CallContext previous = CallContext.enter(context);
    try {
      Object result = method.invoke(method.bindParams(m.params, context));
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((v, e) -> {
          if (e != null) {
            logNotificationFailure(m.method, e);
          }
        });
      }
    } catch (Throwable t) {
      logNotificationFailure(m.method, t);
    } finally {
      CallContext.exit(previous);
      queuedNotifications.decrementAndGet();
      checkDrained();
    }
  }

  private static void logNotificationFailure(String method, Throwable error) {
    Throwable t = unwrap(error);
    LOG.log(t instanceof RpcException ? Level.DEBUG : Level.WARNING,
        "Notification " + method + " failed", t);
  }

  private void onResponse(Message m) {
    long own = m.id == null ? -1 : m.id.asOwnId();
    PendingCall call = own > 0 ? pending.remove(own) : null;
    if (call == null) {
      // Late answers to calls that timed out or were cancelled are expected, and the other end
      // can send any number of these: DEBUG. An error with id null is the other end saying a
      // message of ours was bad: INFO, no louder, as it can be flooded too.
      if (m.hasError) {
        LOG.log(Id.NULL.equals(m.id) ? Level.INFO : Level.DEBUG,
            "Error response for unknown id {0} dropped: {1}", loggable(m.id), loggable(m.error));
      } else {
        LOG.log(Level.DEBUG, "Response for unknown id {0} dropped", loggable(m.id));
      }
      return;
    }
    call.respond(m);
  }

  /**
   * Remote text fit for one log line: at most 200 characters, control characters escaped, so a
   * hostile peer can neither forge log lines nor flood them with one message.
   */
  private static String loggable(Object remote) {
    String t = String.valueOf(remote);
    StringBuilder sb = new StringBuilder(Math.min(t.length(), 200) + 8);
    for (int i = 0; i < t.length() && sb.length() < 200; i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return t.length() > 200 ? sb.append("...").toString() : sb.toString();
  }

  /**
   * Converts a response to the call's result, or throws the error it carries. Runs the caller's
   * type adapters, so it runs on the executor or on the blocked caller's thread, never on the
   * transport's thread.
   */
  private static Object decode(PendingCall call, Message m) {
    if (m.hasError) {
      JsonElement error;
      try {
        error = m.error == null ? null : m.error.tree();
      } catch (RuntimeException e) { // valid JSON that Gson cannot read (see JsonSlice#read)
        throw notConverted("Error", call, e);
      }
      throw remoteError(error);
    }
    try {
      return call.adapter == null || m.result == null || m.result.isNull()
          ? null
          : m.result.read(call.adapter);
    } catch (RuntimeException e) {
      throw notConverted("Result", call, e);
    }
  }

  private static RpcException notConverted(String what, PendingCall call, RuntimeException e) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", String.valueOf(e.getMessage()));
    return new RpcException(ErrorCodes.INVALID_RESPONSE,
        what + " of '" + call.method + "' did not convert", data, e);
  }

  /** A response not yet converted: what a blocked caller's future completes with. */
  private record Undecoded(PendingCall call, Message message) {
    Object decode() {
      return Peer.decode(call, message);
    }
  }

  private static RpcException remoteError(JsonElement error) {
    if (error != null && error.isJsonObject()) {
      JsonObject o = error.getAsJsonObject();
      JsonElement code = o.get("code");
      JsonElement message = o.get("message");
      Integer c = integerCode(code);
      if (c != null && (message == null || (message.isJsonPrimitive() && message.getAsJsonPrimitive().isString()))) {
        String msg = message == null ? ErrorCodes.message(c) : message.getAsString();
        return new RpcException(c, msg, o.get("data"));
      }
    }
    JsonObject data = new JsonObject();
    data.add("error", error);
    return new RpcException(ErrorCodes.INVALID_RESPONSE, "Malformed error object", data);
  }

  /** The code if it is a JSON number holding an integer in int range, else null. */
  private static Integer integerCode(JsonElement code) {
    if (code == null || !code.isJsonPrimitive() || !code.getAsJsonPrimitive().isNumber()) {
      return null;
    }
    try {
      return new java.math.BigDecimal(code.getAsString()).intValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  private void send(String json) {
    transport.send(json).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(closed.get() != null ? Level.DEBUG : Level.INFO, "Response not sent on {0}: {1}",
            transport, e);
      }
    });
  }

  private void onClosed(int code, String reason) {
    ConnectionClosedException ex = new ConnectionClosedException(code, reason);
    if (!closed.compareAndSet(null, ex)) {
      return;
    }
    LOG.log(Level.DEBUG, "Closed {0}: {1} {2}", transport, code, reason);
    for (PendingCall call : new ArrayList<>(pending.values())) {
      failPending(call, ex);
    }
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

  // ---------------------------------------------------------------------------------------------
  // Calls in flight

  /** A future that removes its call from the pending table when cancelled. */
  static final class CallFuture<T> extends CompletableFuture<T> {
    volatile PendingCall call;

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      PendingCall c = call;
      if (cancelled && c != null) {
        c.cancelled();
      }
      return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>(); // dependents cancel only themselves
    }
  }

  final class PendingCall {
    final long id;
    final String method;
    final TypeAdapter<?> adapter;
    final CallFuture<?> future;
    final boolean async;
    volatile ScheduledFuture<?> timer;

    PendingCall(long id, String method, TypeAdapter<?> adapter, CallFuture<?> future, boolean async) {
      this.id = id;
      this.method = method;
      this.adapter = adapter;
      this.future = future;
      this.async = async;
    }

    /** Completes the call from its response (conversion happens off the transport thread). */
    @SuppressWarnings("unchecked")
    void respond(Message m) {
      cancelTimer();
      CompletableFuture<Object> f = (CompletableFuture<Object>) future;
      if (!async) {
        f.complete(new Undecoded(this, m)); // the blocked caller converts it on its own thread
        return;
      }
      Runnable complete = () -> {
        Object value;
        try {
          value = decode(this, m);
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
          return;
        }
        f.complete(value);
      };
      try {
        executor.execute(complete);
      } catch (RejectedExecutionException e) {
        complete.run();
      }
    }

    /** Fails the call (timeout, close, send failure). */
    @SuppressWarnings("unchecked")
    void deliver(Object value, Throwable error) {
      cancelTimer();
      CompletableFuture<Object> f = (CompletableFuture<Object>) future;
      Runnable complete = () -> {
        if (error != null) {
          f.completeExceptionally(error);
        } else {
          f.complete(value);
        }
      };
      if (!async) {
        complete.run(); // a blocked caller wakes; no user code runs here
        return;
      }
      try {
        executor.execute(complete);
      } catch (RejectedExecutionException e) {
        complete.run();
      }
    }

    private void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }

    void cancelled() {
      if (pending.remove(id, this)) {
        cancelTimer();
        sendCancel(id);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Proxies

  private Object newProxy(Class<?> service) {
    if (!service.isInterface()) {
      throw new IllegalArgumentException(
          "remote(" + service.getName() + "): only interfaces can be proxied");
    }
    ServiceModel model = ServiceModel.of(service);
    Map<Method, RemoteMethod> table = new HashMap<>();
    for (ServiceMethod sm : model.methods()) {
      table.put(sm.method(), new RemoteMethod(sm, gson));
    }
    for (Method m : service.getMethods()) {
      if (Modifier.isAbstract(m.getModifiers()) && !table.containsKey(m)) {
        throw ServiceModel.error(m, "Method is not annotated with @RpcMethod or @RpcNotification.");
      }
    }
    return Proxy.newProxyInstance(
        service.getClassLoader(), new Class<?>[] {service}, new RemoteHandler(service, table));
  }

  private final class RemoteHandler implements InvocationHandler {
    private final Class<?> service;
    private final Map<Method, RemoteMethod> table;

    RemoteHandler(Class<?> service, Map<Method, RemoteMethod> table) {
      this.service = service;
      this.table = table;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      RemoteMethod rm = table.get(method);
      if (rm == null) {
        if (method.getDeclaringClass() == Object.class) {
          switch (method.getName()) {
            case "equals":
              return proxy == args[0];
            case "hashCode":
              return System.identityHashCode(proxy);
            default:
              return "Remote " + service.getSimpleName() + " of " + Peer.this;
          }
        }
        if (method.isDefault()) {
          return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw new UnsupportedOperationException(method.toString());
      }
      ServiceMethod sm = rm.model();
      Object[] a = args == null ? NO_ARGS : args;
      if (sm.kind() == ServiceMethod.Kind.NOTIFICATION) {
        sendNotification(sm.wireName(), rm.params(a));
        return null;
      }
      long t = sm.timeoutMillis();
      long timeout = t == 0 ? callTimeoutMillis : t < 0 ? 0 : t;
      boolean async = sm.resultKind() == ServiceMethod.ResultKind.FUTURE;
      CompletableFuture<Object> f = sendRequest(sm.wireName(), rm.params(a), rm.resultAdapter(), timeout, async);
      if (async) {
        return f;
      }
      Object v = await(sm.wireName(), f);
      if (v == null && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
        throw new RpcException(ErrorCodes.INVALID_RESPONSE,
            "Result of '" + sm.wireName() + "' is null, but " + method.getReturnType() + " was expected");
      }
      return v;
    }
  }

  private static Object await(String method, CompletableFuture<Object> f) {
    try {
      Object v = f.get();
      return v instanceof Undecoded u ? u.decode() : v;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new RpcException(ErrorCodes.INTERNAL_ERROR, String.valueOf(c), null, c);
    } catch (InterruptedException e) {
      f.cancel(false);
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorCodes.CANCELLED, "Interrupted while waiting for '" + method + "'",
          null, e);
    } catch (CancellationException e) {
      throw new RpcException(ErrorCodes.CANCELLED, "Call to '" + method + "' was cancelled", null, e);
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
      Peer peer = new Peer(this, Collections.unmodifiableMap(table), builtins);
      transport.start(peer.new Inbound());
      return peer;
    }
  }
}
