package dev.duplexrpc.core.internal.stream;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.proxy.CallTarget;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Calls whose arguments include streams but whose result does not: the call goes to the
 * connection the target has now, where the stream arguments are offered; those the handler never
 * asked an item of are dropped when the call is over.
 */
public final class StreamCalls {
  private StreamCalls() {}

  /**
   * Sends the call; its future completes on the executor, with the failures of {@code Peer.call}.
   */
  public static <T> CompletableFuture<T> request(CallTarget target, String method,
      Function<Streams, ResultStream.Prepared> params, TypeAdapter<?> adapter, long timeoutMillis) {
    CallTable connection = target.connection();
    if (connection == null) {
      return CompletableFuture.failedFuture(new ConnectionClosedException(1006, "not connected"));
    }
    Streams streams = connection.streams();
    ResultStream.Prepared p;
    try {
      p = params.apply(streams);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<T> f = connection.request(method, p.body(), adapter, timeoutMillis, true);
    f.whenComplete((v, e) -> p.done().run());
    return f;
  }
}
