package dev.duplexrpc.core.internal.dispatch;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.internal.LazyMap;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * The incoming requests of one connection that can still be cancelled, by id, and the handling of
 * {@code rpc.cancel} / {@code $/cancelRequest}: it interrupts the handler's synchronous part and
 * cancels the future it returned.
 */
final class IncomingCancels {
  private static final System.Logger LOG = System.getLogger(IncomingCancels.class.getName());
  /** The wire name of the cancellation notification this library sends and accepts. */
  static final String CANCEL = "rpc.cancel";
  /** LSP's name for the same notification, accepted as an alias. */
  static final String LSP_CANCEL = "$/cancelRequest";

  private final Executor executor;
  private final LazyMap<Id, Running> running = new LazyMap<>();

  IncomingCancels(Executor executor) {
    this.executor = executor;
  }

  static boolean isCancel(String method) {
    return CANCEL.equals(method) || LSP_CANCEL.equals(method);
  }

  /** Tracks a request about to run. */
  Running track(Id id) {
    Running run = new Running(id, true);
    return running.putIfAbsent(id, run) == null ? run : new Running(id, false);
  }

  void untrack(Running r) {
    if (r.tracked) {
      running.remove(r.id, r);
    }
  }

  /** Handles a cancellation: params {@code {"id": x}} or {@code [x]}. */
  void cancel(String method, JsonSlice slice) {
    Id id = null;
    JsonElement params;
    try {
      params = slice == null ? null : slice.tree();
    } catch (RuntimeException e) { // valid JSON that Gson cannot read (see JsonSlice#read)
      LOG.log(Level.DEBUG, "{0} with params that do not convert: {1}", method, e.getMessage());
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
      LOG.log(Level.DEBUG, "{0} for no running request: {1}", method, params);
      return;
    }
    // The interrupt happens here (no user code runs); cancelling a handler's future may run user
    // callbacks, so that goes to the executor.
    Future<?> future = r.cancel();
    if (future != null) {
      try {
        executor.execute(() -> future.cancel(true));
      } catch (RejectedExecutionException e) {
        future.cancel(true);
      }
    }
  }
}
