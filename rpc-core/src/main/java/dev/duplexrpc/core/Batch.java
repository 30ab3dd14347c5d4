package dev.duplexrpc.core;

import dev.duplexrpc.core.internal.call.BatchEntry;
import dev.duplexrpc.core.internal.call.CallFuture;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.call.ParamsWriter;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Several calls and notifications sent as one JSON-RPC batch message. Each call gets its own
 * future, completed from the matching item of the batch response (by id, in any order).
 *
 * <pre>{@code
 * Batch batch = peer.batch();
 * CompletableFuture<Integer> sum = batch.call("sum", Integer.class, 1, 2, 4);
 * batch.notify("notify_hello", 7);
 * CompletableFuture<Integer> diff = batch.call("subtract", Integer.class, 42, 23);
 * batch.send();
 * }</pre>
 *
 * <p>Nothing is sent before {@link #send()}. The futures fail like those of {@link Peer#call}.
 * A batch is sent once and is not thread-safe.
 *
 * @since 0.1
 */
public final class Batch {
  private final CallTable calls;
  private final ParamsWriter params;
  private final List<BatchEntry> entries = new ArrayList<>();
  private boolean sent;

  Batch(CallTable calls, ParamsWriter params) {
    this.calls = calls;
    this.params = params;
  }

  /**
   * Adds a call with positional params.
   *
   * @param method the wire name
   * @param resultType the class of the result
   * @param params the positional params
   * @param <T> the result type
   * @return the future of this call's result, completed after {@link #send()}
   */
  public <T> CompletableFuture<T> call(String method, Class<T> resultType, Object... params) {
    return call(method, TypeToken.get(Objects.requireNonNull(resultType, "resultType == null")), params);
  }

  /** Like {@link #call(String, Class, Object...)}, for a generic result type. */
  public <T> CompletableFuture<T> call(String method, TypeToken<T> resultType, Object... params) {
    Objects.requireNonNull(params, "params == null");
    return add(method, resultType, this.params.positional(params));
  }

  /**
   * Adds a call with named params.
   *
   * @param method the wire name
   * @param resultType the class of the result
   * @param params the named params
   * @param <T> the result type
   * @return the future of this call's result, completed after {@link #send()}
   */
  public <T> CompletableFuture<T> callNamed(String method, Class<T> resultType, Map<String, ?> params) {
    return callNamed(method, TypeToken.get(Objects.requireNonNull(resultType, "resultType == null")), params);
  }

  /** Like {@link #callNamed(String, Class, Map)}, for a generic result type. */
  public <T> CompletableFuture<T> callNamed(String method, TypeToken<T> resultType, Map<String, ?> params) {
    Objects.requireNonNull(params, "params == null");
    return add(method, resultType, this.params.named(params));
  }

  /**
   * Adds a notification with positional params.
   *
   * @param method the wire name
   * @param params the positional params
   * @return this batch
   */
  public Batch notify(String method, Object... params) {
    Objects.requireNonNull(params, "params == null");
    checkOpen();
    entries.add(new BatchEntry(
        Objects.requireNonNull(method, "method == null"), this.params.positional(params), null, null));
    return this;
  }

  /**
   * The number of items queued.
   *
   * @return the item count
   */
  public int size() {
    return entries.size();
  }

  /**
   * Sends the batch as one message. A batch of notifications only gets no response.
   *
   * @throws IllegalStateException if the batch is empty or was already sent
   * @throws ConnectionClosedException if the connection is closed (every call's future fails too)
   * @throws RpcException with {@link ErrorCodes#LIMIT_EXCEEDED} if the message is too large
   */
  public void send() {
    checkOpen();
    if (entries.isEmpty()) {
      throw new IllegalStateException("empty batch: JSON-RPC does not allow sending []");
    }
    sent = true;
    calls.batch(entries);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> add(String method, TypeToken<T> resultType, MessageWriter.Body params) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(resultType, "resultType == null");
    checkOpen();
    CallFuture<Object> future = new CallFuture<>();
    entries.add(new BatchEntry(method, params, this.params.adapter(resultType.getType()), future));
    return (CompletableFuture<T>) (CompletableFuture<?>) future;
  }

  private void checkOpen() {
    if (sent) {
      throw new IllegalStateException("batch already sent");
    }
  }
}
