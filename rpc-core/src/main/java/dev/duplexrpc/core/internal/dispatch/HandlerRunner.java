package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.internal.CallHooks;
import dev.duplexrpc.core.internal.LocalMethod;
import dev.duplexrpc.core.internal.ReplyGathering;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.TraceFields;
import dev.duplexrpc.core.internal.reply.ReplySink;
import dev.duplexrpc.core.internal.stream.Streams;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Runs one admitted request or notification on the executor's thread: runs the interceptors (if
 * any), binds its params, calls the bound method with its {@link CallContext} current, awaits a
 * returned future, tells the interceptors the outcome, and hands the result or the mapped error to
 * the reply sink.
 */
final class HandlerRunner {
  private static final System.Logger LOG = System.getLogger(HandlerRunner.class.getName());

  private final MessageWriter writer;
  private final ErrorMapper errors;
  private final Admission admission;
  private final IncomingCancels cancels;
  private final HandlerContexts contexts;
  private final CallHooks hooks; // null: no interceptors
  private final Streams streams;

  HandlerRunner(MessageWriter writer, ErrorMapper errors, Admission admission,
      IncomingCancels cancels, HandlerContexts contexts, CallHooks hooks, Streams streams) {
    this.streams = streams;
    this.writer = writer;
    this.errors = errors;
    this.admission = admission;
    this.cancels = cancels;
    this.contexts = contexts;
    this.hooks = hooks;
  }

  /**
   * @param gathering opened while sending a reply that is ready before this returns (the drainer
   *     that runs it flushes), or null
   */
  void runRequest(LocalMethod method, String name, JsonSlice params, TraceFields trace, Running run,
      ReplySink sink, ReplyGathering gathering) {
    if (!run.start()) {
      finish(method, run, sink, null, new CancellationException(), null, gathering);
      return;
    }
    CallHooks.Observed observed = null;
    if (hooks != null) {
      try {
        observed = hooks.incoming(name, run.id, params, trace);
      } catch (Throwable refused) {
        run.endSync(null);
        finish(method, run, sink, null, refused, null, gathering);
        return;
      }
    }
    Object result = null;
    Throwable failure = null;
    CallContext context = contexts.open(name, false, observed == null ? null : observed.context());
    CallContext previous = contexts.enter(context);
    try {
      result = method.invoke(method.bindParams(params, context));
    } catch (Throwable t) {
      failure = t;
    } finally {
      contexts.exit(previous);
      run.endSync(result);
    }
    CallHooks.Observed o = observed;
    if (failure != null) {
      finish(method, run, sink, null, failure, o, gathering);
    } else if (result instanceof CompletionStage<?> stage
        && method.model().resultKind() == ServiceMethod.ResultKind.FUTURE) {
      // completed later, on whatever thread: nobody would flush a gathered reply there
      stage.whenComplete((v, e) -> finish(method, run, sink, v, e, o, null));
    } else {
      finish(method, run, sink, result, null, o, gathering);
    }
  }

  private void finish(LocalMethod method, Running run, ReplySink sink, Object value, Throwable error,
      CallHooks.Observed observed, ReplyGathering gathering) {
    Id id = run.id;
    cancels.untrack(run);
    if (run.finish()) {
      error = new CancellationException(); // cancelled by the caller: whatever the handler did
    }
    if (error == null && method.model().resultKind() == ServiceMethod.ResultKind.STREAM) {
      try { // the result is the stream's token; the publisher is subscribed at the first credit
        value = streams.produceResult((Flow.Publisher<?>) value, method.itemAdapter());
      } catch (RuntimeException e) {
        error = e;
      }
    }
    if (observed != null) {
      tell(observed, value, error);
    }
    String text;
    try {
      if (error != null) {
        text = errors.errorReply(method.model().wireName(), id, error);
      } else {
        try {
          text = writer.result(id, method.resultBody(value));
        } catch (IOException | RuntimeException e) {
          text = errors.errorReply(method.model().wireName(), id, e);
        }
      }
    } finally {
      // Free the slot before the response goes out: the caller may send its next request as
      // soon as it has the response, and must not find this one still counted.
      admission.handled();
    }
    if (gathering == null) {
      sink.reply(id, text); // the sink keeps it within the message size limit
    } else {
      ReplyGathering previous = gathering.open();
      try {
        sink.reply(id, text);
      } finally {
        ReplyGathering.close(previous);
      }
    }
    admission.answered(); // only now may a shutdown close: the response is on its way
  }

  void runNotification(LocalMethod method, String name, JsonSlice params, TraceFields trace) {
    CallHooks.Observed observed = null;
    if (hooks != null) {
      try {
        observed = hooks.incoming(name, null, params, trace);
      } catch (Throwable refused) {
        LOG.log(Level.DEBUG, "Notification {0} refused by an interceptor: {1}", name, refused);
        admission.notificationDone(true);
        return;
      }
    }
    CallHooks.Observed o = observed;
    CallContext context = contexts.open(name, true, o == null ? null : o.context());
    CallContext previous = contexts.enter(context);
    try {
      Object result = method.invoke(method.bindParams(params, context));
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((v, e) -> {
          if (e != null) {
            ErrorMapper.notificationFailed(name, e);
          }
          if (o != null) {
            tell(o, null, e);
          }
        });
      } else if (o != null) {
        o.completed(null);
      }
    } catch (Throwable t) {
      ErrorMapper.notificationFailed(name, t);
      if (o != null) {
        o.failed(ErrorMapper.unwrap(t));
      }
    } finally {
      contexts.exit(previous);
      admission.notificationDone(true);
    }
  }

  private static void tell(CallHooks.Observed observed, Object value, Throwable error) {
    if (error != null) {
      observed.failed(ErrorMapper.unwrap(error));
    } else {
      observed.completed(value);
    }
  }
}
