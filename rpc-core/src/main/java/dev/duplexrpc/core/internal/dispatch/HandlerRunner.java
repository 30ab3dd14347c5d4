package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.internal.LocalMethod;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.reply.ReplySink;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * Runs one admitted request or notification on the executor's thread: binds its params, calls the
 * bound method with its {@link CallContext} current, awaits a returned future, and hands the
 * result or the mapped error to the reply sink.
 */
final class HandlerRunner {
  private final MessageWriter writer;
  private final ErrorMapper errors;
  private final Admission admission;
  private final IncomingCancels cancels;
  private final HandlerContexts contexts;

  HandlerRunner(MessageWriter writer, ErrorMapper errors, Admission admission,
      IncomingCancels cancels, HandlerContexts contexts) {
    this.writer = writer;
    this.errors = errors;
    this.admission = admission;
    this.cancels = cancels;
    this.contexts = contexts;
  }

  void runRequest(LocalMethod method, String name, JsonSlice params, Running run, ReplySink sink) {
    if (!run.start()) {
      finish(method, run, sink, null, new CancellationException());
      return;
    }
    Object result = null;
    Throwable failure = null;
    CallContext context = contexts.open(name, false);
    CallContext previous = contexts.enter(context);
    try {
      result = method.invoke(method.bindParams(params, context));
    } catch (Throwable t) {
      failure = t;
    } finally {
      contexts.exit(previous);
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

  private void finish(LocalMethod method, Running run, ReplySink sink, Object value, Throwable error) {
    Id id = run.id;
    cancels.untrack(run);
    if (run.finish()) {
      error = new CancellationException(); // cancelled by the caller: whatever the handler did
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
    sink.reply(id, text); // the sink keeps it within the message size limit
    admission.answered(); // only now may a shutdown close: the response is on its way
  }

  void runNotification(LocalMethod method, String name, JsonSlice params) {
    CallContext context = contexts.open(name, true);
    CallContext previous = contexts.enter(context);
    try {
      Object result = method.invoke(method.bindParams(params, context));
      if (result instanceof CompletionStage<?> stage) {
        stage.whenComplete((v, e) -> {
          if (e != null) {
            ErrorMapper.notificationFailed(name, e);
          }
        });
      }
    } catch (Throwable t) {
      ErrorMapper.notificationFailed(name, t);
    } finally {
      contexts.exit(previous);
      admission.notificationDone(true);
    }
  }
}
