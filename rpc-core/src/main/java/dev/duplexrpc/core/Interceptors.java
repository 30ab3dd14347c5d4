package dev.duplexrpc.core;

import dev.duplexrpc.core.internal.CallHooks;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.TraceFields;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one Peer's {@link RpcInterceptor}s around its calls: each interceptor in order before the
 * call, the listeners they returned in reverse order after it, once.
 */
final class Interceptors implements CallHooks {
  private static final System.Logger LOG = System.getLogger(Interceptors.class.getName());

  private final RpcInterceptor[] interceptors;
  private final Peer peer;
  private final MessageWriter writer;

  Interceptors(PeerConfig config, Peer peer) {
    this.interceptors = config.interceptors().toArray(new RpcInterceptor[0]);
    this.peer = peer;
    this.writer = config.codecs().writer();
  }

  @Override
  public Observed incoming(String method, Id id, JsonSlice params, TraceFields trace) {
    RpcContext context = RpcContext.EMPTY;
    if (trace != null && peer.extensionsAgreed()) {
      TraceContext parent = TraceContext.received(trace.traceparent(), trace.tracestate());
      if (parent != null) {
        context = context.with(TraceContext.REMOTE_PARENT, parent);
      }
    }
    return run(new RpcCall(RpcCall.Direction.INCOMING, method, id, params, writer, peer, context));
  }

  @Override
  public Observed outgoing(String method, long id, MessageWriter.Body params) {
    return run(new RpcCall(RpcCall.Direction.OUTGOING, method, id == 0 ? null : id, params, writer,
        peer, RpcContext.current()));
  }

  private Observed run(RpcCall call) {
    Run run = new Run(call, peer.extensionsAgreed(), System.nanoTime(), interceptors.length);
    for (int i = 0; i < interceptors.length; i++) {
      RpcInterceptor.Listener l;
      try {
        l = interceptors[i].intercept(call);
      } catch (RuntimeException | Error e) {
        run.failed(e);
        throw e;
      }
      run.listeners[i] = l;
    }
    return run;
  }

  /** One call's listeners, told its outcome once. */
  private static final class Run implements Observed {
    final RpcCall call;
    final boolean extensions;
    final long start;
    final RpcInterceptor.Listener[] listeners;
    final AtomicBoolean done = new AtomicBoolean();

    Run(RpcCall call, boolean extensions, long start, int interceptors) {
      this.call = call;
      this.extensions = extensions;
      this.start = start;
      this.listeners = new RpcInterceptor.Listener[interceptors];
    }

    @Override
    public RpcContext context() {
      return call.context();
    }

    @Override
    public TraceContext trace() {
      return extensions ? call.context().get(TraceContext.PROPAGATE) : null;
    }

    @Override
    public void completed(Object value) {
      tell(RpcOutcome.result(value, System.nanoTime() - start));
    }

    @Override
    public void failed(Throwable error) {
      tell(RpcOutcome.failure(unwrap(error), System.nanoTime() - start));
    }

    private void tell(RpcOutcome outcome) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      for (int i = listeners.length - 1; i >= 0; i--) {
        RpcInterceptor.Listener l = listeners[i];
        if (l != null) {
          try {
            l.onOutcome(outcome);
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Interceptor listener failed for " + call, e);
          }
        }
      }
    }

    private static Throwable unwrap(Throwable t) {
      while ((t instanceof CompletionException || t instanceof ExecutionException)
          && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    }
  }
}
