package dev.duplexrpc.core.internal.call;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.internal.CallHooks;
import dev.duplexrpc.core.internal.codec.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

/**
 * One outgoing call waiting for its response: completes its future from the response, a failure
 * (timeout, close, send failure) or a cancel, each exactly once, off the transport's thread.
 */
final class PendingCall {
  final long id;
  final String method;
  final TypeAdapter<?> adapter;
  final CallFuture<?> future;
  final boolean async;
  final CallHooks.Observed observed; // null: no interceptors
  private final CallTable table;
  private final Executor executor;
  volatile ScheduledFuture<?> timer;

  PendingCall(CallTable table, Executor executor, long id, String method, TypeAdapter<?> adapter,
      CallFuture<?> future, boolean async, CallHooks.Observed observed) {
    this.observed = observed;
    this.table = table;
    this.executor = executor;
    this.id = id;
    this.method = method;
    this.adapter = adapter;
    this.future = future;
    this.async = async;
  }

  /** Completes the call from its response (conversion happens off the transport thread). */
  @SuppressWarnings("unchecked")
  void respond(Message.Response m) {
    cancelTimer();
    CompletableFuture<Object> f = (CompletableFuture<Object>) future;
    if (!async) {
      f.complete(new ResponseDecoder.Undecoded(this, m)); // the blocked caller converts it
      return;
    }
    Runnable complete = () -> {
      Object value;
      try {
        value = decode(m);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
        return;
      }
      f.complete(value);
    };
    run(complete);
  }

  /** Converts the response, and tells the interceptors the outcome. */
  Object decode(Message.Response m) {
    Object value;
    try {
      value = ResponseDecoder.decode(this, m);
    } catch (RuntimeException e) {
      if (observed != null) {
        observed.failed(e);
      }
      throw e;
    }
    if (observed != null) {
      observed.completed(value);
    }
    return value;
  }

  /** Fails the call (timeout, close, send failure). */
  @SuppressWarnings("unchecked")
  void fail(Throwable error) {
    cancelTimer();
    if (observed != null) {
      observed.failed(error);
    }
    CompletableFuture<Object> f = (CompletableFuture<Object>) future;
    if (!async) {
      f.completeExceptionally(error); // a blocked caller wakes; no user code runs here
      return;
    }
    run(() -> f.completeExceptionally(error));
  }

  private void run(Runnable complete) {
    try {
      executor.execute(complete);
    } catch (RejectedExecutionException e) {
      complete.run();
    }
  }

  void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  void cancelled() {
    table.cancelled(this);
  }
}
