package dev.duplexrpc.core.internal.dispatch;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.internal.CallHooks;
import dev.duplexrpc.core.internal.Closer;
import dev.duplexrpc.core.internal.DirectMode;
import dev.duplexrpc.core.internal.EventCounters;
import dev.duplexrpc.core.internal.LocalMethod;
import dev.duplexrpc.core.internal.MethodTable;
import dev.duplexrpc.core.internal.ReplyGathering;
import dev.duplexrpc.core.internal.SerialExecutor;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.Message;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.reply.Replies;
import dev.duplexrpc.core.internal.reply.ReplySink;
import dev.duplexrpc.core.internal.stream.ProgressTable;
import dev.duplexrpc.core.internal.stream.StreamWire;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes each parsed message of one connection: responses to the call table, cancellations to
 * the running requests, requests and notifications to their method (or the fallback) once
 * admitted, requests concurrently on the executor (queued for a {@link RequestDrainer}) and
 * notifications one at a time in arrival order (or, in direct mode, right here on the decoding
 * thread); whatever cannot run is answered here.
 */
public final class Dispatcher {
  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

  private final Object connection; // for logs
  private final MethodTable table;
  private final CallTable calls;
  private final MessageWriter writer;
  private final RequestDrainer requests;
  private final SerialExecutor notifications;
  private final Admission admission;
  private final IncomingCancels cancels;
  private final HandlerRunner runner;
  private final Closer closer;
  private final boolean directExecution; // every method in direct mode

  /**
   * @param connection names the connection in logs
   * @param contexts makes the handlers' call contexts
   * @param hooks the interceptors, or null for none
   * @param directExecution whether every method runs on the decoding thread, not only those
   *     marked {@code @DirectExecution}
   */
  public Dispatcher(Object connection, MethodTable table, CallTable calls, MessageWriter writer,
      Executor executor, Admission admission, HandlerContexts contexts, CallHooks hooks,
      Closer closer, boolean exposeErrorDetails, boolean directExecution) {
    this.connection = connection;
    this.table = table;
    this.calls = calls;
    this.writer = writer;
    this.requests = new RequestDrainer(executor);
    this.notifications = new SerialExecutor(executor);
    this.admission = admission;
    this.cancels = new IncomingCancels(executor);
    this.runner = new HandlerRunner(writer, new ErrorMapper(writer, exposeErrorDetails), admission,
        cancels, contexts, hooks, calls.streams());
    this.closer = closer;
    this.directExecution = directExecution;
  }

  /** Whether {@code method} runs on the decoding thread (direct mode) rather than the executor. */
  private boolean direct(LocalMethod method) {
    return directExecution || method.model().direct();
  }

  /** Routes one message (one item of a batch); the responses it owes go to {@code replies}. */
  public void route(Message m, Replies replies) {
    if (m instanceof Message.Request r) {
      request(r, replies.owe());
    } else if (m instanceof Message.Notification n) {
      notification(n);
    } else if (m instanceof Message.Response r) {
      calls.onResponse(r);
    } else if (m instanceof Message.Bare b) {
      if (!calls.onBareResponse(b)) {
        LOG.log(Level.DEBUG, "Invalid request: no method, result or error");
        replies.owe().reply(
            b.id(), writer.error(b.id(), ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
      }
    } else if (m instanceof Message.Invalid i) {
      LOG.log(Level.DEBUG, "Invalid request: {0}", i.reason());
      replies.owe().reply(
          i.id(), writer.error(i.id(), ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
    } else {
      LOG.log(Level.DEBUG, "Dropping {0}", ((Message.Dropped) m).reason());
    }
  }

  private void notification(Message.Notification m) {
    LocalMethod method = table.local(m.method());
    if (method == null) {
      if (IncomingCancels.isCancel(m.method())) {
        cancels.cancel(m.method(), m.params());
        return;
      }
      if (ProgressTable.METHOD.equals(m.method()) && calls.streams().progress().receive(m.params())) {
        return; // the progress of one of our calls
      }
      if (StreamWire.handles(m.method())) {
        calls.streams().receive(m.method(), m.params()); // cheap: queued for the executor
        return;
      }
      method = table.fallback();
      if (method == null) {
        LOG.log(Level.DEBUG, "Dropping notification for unknown method {0}", m.method());
        return;
      }
    }
    switch (admission.admitNotification()) {
      case OVER_LIMIT -> {
        String reason = "Notification backlog over " + admission.maxQueuedNotifications();
        EventCounters.OVERLOADED.increment();
        LOG.log(Level.WARNING, "Closing {0}: {1}", connection, reason);
        closer.close(1008, reason);
        return;
      }
      case SHUTTING_DOWN -> {
        LOG.log(Level.DEBUG, "Dropping notification {0}: shutting down", m.method());
        return;
      }
      default -> { }
    }
    LocalMethod served = method;
    Runnable run = () -> runner.runNotification(served, m.method(), m.params(), m.trace());
    if (direct(served) && notifications.runIfIdle(() -> runDirect(run))) {
      return; // ran here; with earlier notifications still queued, it waits its turn below
    }
    try {
      notifications.execute(run);
    } catch (RejectedExecutionException e) {
      admission.notificationDone(false);
      LOG.log(Level.WARNING, "Dropping notification {0}: executor rejected it", m.method());
    }
  }

  private void request(Message.Request m, ReplySink sink) {
    Id id = m.id();
    LocalMethod local = table.local(m.method());
    LocalMethod method = local != null ? local : table.fallback();
    if (method == null) {
      sink.reply(id, writer.error(id, ErrorCodes.METHOD_NOT_FOUND, "Method not found", null));
      return;
    }
    switch (admission.admitRequest()) {
      case OVER_LIMIT -> {
        sink.reply(id, overloaded(id,
            admission.maxInFlight() + " requests already in flight on this connection"));
        return;
      }
      case SHUTTING_DOWN -> {
        sink.reply(id, writer.error(id, ErrorCodes.SHUTTING_DOWN, "Shutting down", null));
        admission.answered();
        return;
      }
      default -> { }
    }
    Running run = cancels.track(id);
    if (direct(method)) {
      runDirect(() -> runner.runRequest(method, m.method(), m.params(), m.trace(), run, sink, null));
      return;
    }
    requests.submit(new RequestDrainer.Task() {
      @Override
      public void run(ReplyGathering gathering) {
        runner.runRequest(method, m.method(), m.params(), m.trace(), run, sink, gathering);
      }

      @Override
      public void rejected() {
        cancels.untrack(run);
        admission.handled();
        sink.reply(id, overloaded(id, "the executor rejected the request"));
        admission.answered();
      }
    });
  }

  /** Runs a handler on this (the decoding) thread, marked so that a blocking call fails fast. */
  private static void runDirect(Runnable handler) {
    Boolean previous = DirectMode.enter();
    try {
      handler.run();
    } finally {
      DirectMode.exit(previous);
    }
  }

  private String overloaded(Id id, String reason) {
    EventCounters.OVERLOADED.increment();
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    return writer.error(id, ErrorCodes.OVERLOADED, "Overloaded", data);
  }
}
