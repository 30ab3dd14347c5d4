package dev.duplexrpc.core.internal;

import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.call.ParamsWriter;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.stream.ResultStream;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The shared plumbing of a Peer's calls by wire name ({@code call}, {@code callNamed}, {@code
 * stream}, {@code notify}): the arguments checked, the params written with the configuration's
 * Gson, the result type adapted, then handed to the connection's call table.
 */
public final class PeerCalls {
  private final CallTable calls;
  private final ParamsWriter params;

  /**
   * The calls of one connection.
   *
   * @param calls the connection's call table
   * @param params writes params with the configuration's Gson
   */
  public PeerCalls(CallTable calls, ParamsWriter params) {
    this.calls = calls;
    this.params = params;
  }

  /** The params writer, for a batch. */
  public ParamsWriter params() {
    return params;
  }

  /** The type token of a result or item class, rejecting null with the parameter's name. */
  public static <T> TypeToken<T> token(Class<T> type, String name) {
    return TypeToken.get(Objects.requireNonNull(type, name + " == null"));
  }

  /** A request with positional params; {@code timeout} null for the configuration's. */
  public <T> CompletableFuture<T> call(
      Duration timeout, String method, TypeToken<T> resultType, Object[] args) {
    Objects.requireNonNull(args, "params == null");
    return send(timeout, method, resultType, params.positional(args));
  }

  /** A request with named params; {@code timeout} null for the configuration's. */
  public <T> CompletableFuture<T> callNamed(
      Duration timeout, String method, TypeToken<T> resultType, Map<String, ?> args) {
    Objects.requireNonNull(args, "params == null");
    return send(timeout, method, resultType, params.named(args));
  }

  private <T> CompletableFuture<T> send(
      Duration timeout, String method, TypeToken<T> resultType, MessageWriter.Body body) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(resultType, "resultType == null");
    return calls.request(
        method, body, params.adapter(resultType.getType()), calls.timeoutMillis(timeout), true);
  }

  /** A cold publisher of a stream result, with positional params. */
  @SuppressWarnings("unchecked")
  public <T> Flow.Publisher<T> stream(String method, TypeToken<T> itemType, Object[] args) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(itemType, "itemType == null");
    Objects.requireNonNull(args, "params == null");
    MessageWriter.Body body = params.positional(args);
    return new ResultStream<>(calls, method, streams -> new ResultStream.Prepared(body, () -> { }),
        (TypeAdapter<T>) params.adapter(itemType.getType()), CallTable.DEFAULT_TIMEOUT);
  }

  /** A notification with positional params. */
  public CompletableFuture<Void> notify(String method, Object[] args) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(args, "params == null");
    return calls.notification(method, params.positional(args));
  }

  /** A notification with named params. */
  public CompletableFuture<Void> notifyNamed(String method, Map<String, ?> args) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(args, "params == null");
    return calls.notification(method, params.named(args));
  }
}
