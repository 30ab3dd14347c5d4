package dev.duplexrpc.core.internal.call;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcTimeoutException;
import dev.duplexrpc.core.internal.CallHooks;
import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.LazyMap;
import dev.duplexrpc.core.internal.Limits;
import dev.duplexrpc.core.internal.Sent;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.Message;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.proxy.CallTarget;
import dev.duplexrpc.core.internal.stream.Streams;
import dev.duplexrpc.core.transport.Transport;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The outgoing half of one connection: gives calls their ids, writes and sends requests,
 * notifications and batches, keeps the calls waiting for a response with their timers, matches
 * responses to them, sends {@code rpc.cancel} for calls given up on, and fails every pending call
 * at once when the connection closes.
 */
public final class CallTable implements CallTarget {
  private static final System.Logger LOG = System.getLogger(CallTable.class.getName());
  /** The wire name of the cancellation notification this library sends and accepts. */
  public static final String CANCEL = "rpc.cancel";
  /** Passed as a timeout: use the configured call timeout. */
  public static final long DEFAULT_TIMEOUT = -1;

  private static final VarHandle NEXT_ID;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      NEXT_ID = l.findVarHandle(CallTable.class, "nextId", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Transport transport;
  private final ConnectionState state;
  private final MessageWriter writer;
  private final Executor executor;
  private final int maxMessageSize;
  private final boolean sendCancel;
  private final long callTimeoutMillis;
  private final LazyMap<Long, PendingCall> pending = new LazyMap<>(); // made on the first call
  private volatile long nextId; // through NEXT_ID
  private final CallHooks hooks; // null: no interceptors
  private final Streams streams;

  /**
   * @param hooks the interceptors, or null for none
   * @param streams the connection's streams, which calls that carry streams open
   */
  public CallTable(Transport transport, ConnectionState state, MessageWriter writer,
      Executor executor, int maxMessageSize, boolean sendCancel, Duration callTimeout,
      CallHooks hooks, Streams streams) {
    this.hooks = hooks;
    this.streams = streams;
    this.transport = transport;
    this.state = state;
    this.writer = writer;
    this.executor = executor;
    this.maxMessageSize = maxMessageSize;
    this.sendCancel = sendCancel;
    this.callTimeoutMillis = Limits.millisRoundedUp(callTimeout);
  }

  /** This connection's streams. */
  public Streams streams() {
    return streams;
  }

  @Override
  public CallTable connection() {
    return this;
  }

  /** The number of calls waiting for a response. */
  public int size() {
    return pending.size();
  }

  /**
   * A per-call timeout in milliseconds.
   *
   * @param timeout the timeout; zero for none, null for the configured one
   */
  public long timeoutMillis(Duration timeout) {
    if (timeout == null) {
      return callTimeoutMillis;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout < 0: " + timeout);
    }
    return Limits.millisRoundedUp(timeout);
  }

  /**
   * Sends a request.
   *
   * @param timeoutMillis the timeout, 0 for none, {@link #DEFAULT_TIMEOUT} for the configured one
   * @param async false when the caller blocks on the future: the response is then converted on
   *     its thread
   */
  @Override
  public <T> CompletableFuture<T> request(
      String method, MessageWriter.Body params, TypeAdapter<?> adapter, long timeoutMillis, boolean async) {
    CallFuture<T> future = new CallFuture<>();
    long id = (long) NEXT_ID.getAndAdd(this, 1L) + 1;
    CallHooks.Observed observed = null;
    if (hooks != null) {
      try {
        observed = hooks.outgoing(method, id, params);
      } catch (RuntimeException refused) {
        future.completeExceptionally(refused);
        return future;
      }
    }
    ConnectionClosedException c = state.closed();
    if (c != null) {
      return failed(future, observed, c);
    }
    String text;
    try {
      text = writer.request(id, method, params, observed == null ? null : observed.trace());
    } catch (RuntimeException e) {
      return failed(future, observed, e);
    }
    if (text.length() > maxMessageSize) {
      return failed(future, observed, tooLarge("request to '" + method + "'", text.length()));
    }
    PendingCall call = new PendingCall(this, executor, id, method, adapter, future, async, observed);
    future.call = call;
    pending.put(id, call);
    register(call, timeoutMillis == DEFAULT_TIMEOUT ? callTimeoutMillis : timeoutMillis);
    CompletionStage<Void> sent = transport.send(text);
    if (Sent.already(sent)) {
      return future;
    }
    sent.whenComplete((v, e) -> {
      if (e != null) {
        fail(call, sendFailure(e));
      }
    });
    return future;
  }

  private static <T> CompletableFuture<T> failed(
      CompletableFuture<T> future, CallHooks.Observed observed, Throwable error) {
    if (observed != null) {
      observed.failed(error);
    }
    future.completeExceptionally(error);
    return future;
  }

  /**
   * Sends a notification.
   *
   * @return completes when the transport took it, or fails with the send failure
   * @throws ConnectionClosedException if the connection is closed
   * @throws RpcException if the message is over the size limit, or an interceptor refused it
   */
  @Override
  public CompletableFuture<Void> notification(String method, MessageWriter.Body params) {
    CallHooks.Observed observed = hooks == null ? null : hooks.outgoing(method, 0, params);
    String text;
    try {
      ConnectionClosedException c = state.closed();
      if (c != null) {
        throw c;
      }
      text = writer.notification(method, params, observed == null ? null : observed.trace());
      if (text.length() > maxMessageSize) {
        throw tooLarge("notification '" + method + "'", text.length());
      }
    } catch (RuntimeException e) {
      if (observed != null) {
        observed.failed(e);
      }
      throw e;
    }
    CompletableFuture<Void> sent = new CompletableFuture<>();
    transport.send(text).whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Notification {0} not sent: {1}", method, e);
        RpcException failure = sendFailure(e);
        if (observed != null) {
          observed.failed(failure);
        }
        sent.completeExceptionally(failure);
      } else {
        if (observed != null) {
          observed.completed(null);
        }
        sent.complete(null);
      }
    });
    return sent;
  }

  /**
   * Sends a batch as one message; its calls time out after the configured call timeout. Items an
   * interceptor refuses are left out (a refused call's future fails with the refusal); when all
   * are, nothing is sent.
   *
   * @throws ConnectionClosedException if the connection is closed (every call's future fails too)
   * @throws RpcException if the message is over the size limit (every call's future fails too)
   */
  public void batch(List<BatchEntry> entries) {
    int n = entries.size();
    long[] ids = new long[n];
    CallHooks.Observed[] observed = hooks == null ? null : new CallHooks.Observed[n];
    boolean[] refused = new boolean[n];
    for (int i = 0; i < n; i++) {
      BatchEntry e = entries.get(i);
      ids[i] = e.future() == null ? 0 : (long) NEXT_ID.getAndAdd(this, 1L) + 1;
      if (hooks != null) {
        try {
          observed[i] = hooks.outgoing(e.method(), ids[i], e.params());
        } catch (RuntimeException ex) {
          refused[i] = true;
          if (e.future() != null) {
            e.future().completeExceptionally(ex);
          } else {
            LOG.log(Level.DEBUG, "Notification {0} left out of a batch: {1}", e.method(), ex);
          }
        }
      }
    }
    ConnectionClosedException c = state.closed();
    if (c != null) {
      failAll(entries, observed, refused, c);
      throw c;
    }
    StringBuilder sb = new StringBuilder().append('[');
    List<PendingCall> calls = new ArrayList<>();
    List<CallHooks.Observed> notifications = observed == null ? List.of() : new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        BatchEntry e = entries.get(i);
        if (refused[i]) {
          continue;
        }
        if (sb.length() > 1) {
          sb.append(',');
        }
        CallHooks.Observed o = observed == null ? null : observed[i];
        if (e.future() == null) {
          sb.append(writer.notification(e.method(), e.params(), o == null ? null : o.trace()));
          if (o != null) {
            notifications.add(o);
          }
        } else {
          sb.append(writer.request(ids[i], e.method(), e.params(), o == null ? null : o.trace()));
          PendingCall call =
              new PendingCall(this, executor, ids[i], e.method(), e.adapter(), e.future(), true, o);
          e.future().call = call;
          calls.add(call);
        }
      }
    } catch (RuntimeException ex) {
      failAll(entries, observed, refused, ex);
      throw ex;
    }
    if (sb.length() == 1) {
      return; // every item was refused
    }
    String text = sb.append(']').toString();
    if (text.length() > maxMessageSize) {
      RpcException ex = tooLarge("batch", text.length());
      failAll(entries, observed, refused, ex);
      throw ex;
    }
    for (PendingCall call : calls) {
      pending.put(call.id, call);
      register(call, callTimeoutMillis);
    }
    transport.send(text).whenComplete((v, e) -> {
      RpcException ex = e == null ? null : sendFailure(e);
      for (CallHooks.Observed o : notifications) {
        if (ex == null) {
          o.completed(null);
        } else {
          o.failed(ex);
        }
      }
      if (ex != null) {
        for (PendingCall call : calls) {
          fail(call, ex);
        }
      }
    });
  }

  private static void failAll(List<BatchEntry> entries, CallHooks.Observed[] observed,
      boolean[] refused, Throwable error) {
    for (int i = 0; i < entries.size(); i++) {
      if (refused[i]) {
        continue;
      }
      if (observed != null && observed[i] != null) {
        observed[i].failed(error);
      }
      BatchEntry e = entries.get(i);
      if (e.future() != null) {
        e.future().completeExceptionally(error);
      }
    }
  }

  /** Completes the call a response answers; drops a response to no pending call. */
  public void onResponse(Message.Response m) {
    long own = m.id() == null ? -1 : m.id().asOwnId();
    PendingCall call = own > 0 ? pending.remove(own) : null;
    if (call == null) {
      // Late answers to calls that timed out or were cancelled are expected, and the other end
      // can send any number of these: DEBUG. An error with id null is the other end saying a
      // message of ours was bad: INFO, no louder, as it can be flooded too.
      if (m.isError()) {
        LOG.log(Id.NULL.equals(m.id()) ? Level.INFO : Level.DEBUG,
            "Error response for unknown id {0} dropped: {1}", loggable(m.id()), loggable(m.error()));
      } else {
        LOG.log(Level.DEBUG, "Response for unknown id {0} dropped", loggable(m.id()));
      }
      return;
    }
    call.respond(m);
  }

  /**
   * Completes the pending call a response without result or error answers, with null (see
   * {@link Message.Bare}).
   *
   * @return false if no call of ours has that id
   */
  public boolean onBareResponse(Message.Bare m) {
    long own = m.id().asOwnId();
    PendingCall call = own > 0 ? pending.remove(own) : null;
    if (call == null) {
      return false;
    }
    LOG.log(Level.DEBUG, "Response to {0} without result or error: completed with null", call.method);
    call.respond(new Message.Response(m.id(), null, null));
    return true;
  }

  /** Fails every pending call with the close. */
  public void closed(ConnectionClosedException ex) {
    failAll(ex);
  }

  /** Fails every pending call with {@code error}; the connection stays as it is. */
  public void failAll(RpcException error) {
    for (PendingCall call : new ArrayList<>(pending.values())) {
      fail(call, error);
    }
  }

  /** Arms the timeout and re-checks the close that may have raced the put. */
  private void register(PendingCall call, long timeoutMillis) {
    if (timeoutMillis > 0) {
      call.timer =
          Defaults.timer()
              .schedule(
                  () -> fail(call, new RpcTimeoutException(call.method, Duration.ofMillis(timeoutMillis))),
                  timeoutMillis,
                  TimeUnit.MILLISECONDS);
    }
    ConnectionClosedException c = state.closed();
    if (c != null) {
      fail(call, c);
    }
  }

  private void fail(PendingCall call, Throwable error) {
    if (pending.remove(call.id, call)) {
      call.fail(error);
      if (error instanceof RpcTimeoutException) {
        sendCancel(call.id);
      }
    }
  }

  /** The caller cancelled the call's future. */
  void cancelled(PendingCall call) {
    if (pending.remove(call.id, call)) {
      call.cancelTimer();
      if (call.observed != null) {
        call.observed.failed(new CancellationException());
      }
      sendCancel(call.id);
    }
  }

  /** Tells the other end to stop working on one of our calls; best effort. */
  private void sendCancel(long id) {
    if (!sendCancel || state.closed() != null) {
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
    ConnectionClosedException c = state.closed();
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
    return Limits.tooLarge(what, length, maxMessageSize);
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
}
