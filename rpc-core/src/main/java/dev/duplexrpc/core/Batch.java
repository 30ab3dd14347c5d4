package dev.duplexrpc.core;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.internal.MessageWriter;
import java.lang.reflect.Type;
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
  /** One queued item: a call when {@code future} is set, else a notification. */
  static final class Entry {
    final String method;
    final MessageWriter.Body params;
    final TypeAdapter<?> adapter;
    final Peer.CallFuture<Object> future;

    Entry(String method, MessageWriter.Body params, TypeAdapter<?> adapter, Peer.CallFuture<Object> future) {
      this.method = method;
      this.params = params;
      this.adapter = adapter;
      this.future = future;
    }
  }

  private final Peer peer;
  private final List<Entry> entries = new ArrayList<>();
  private boolean sent;

  Batch(Peer peer) {
    this.peer = peer;
  }

  /**
   * Adds a call with positional params.
   *
   * @param method the wire name
   * @param resultType the Java type of the result
   * @param params the positional params
   * @param <T> the result type
   * @return the future of this call's result, completed after {@link #send()}
   */
  public <T> CompletableFuture<T> call(String method, Type resultType, Object... params) {
    Objects.requireNonNull(params, "params == null");
    return add(method, resultType, peer.positional(params));
  }

  /**
   * Adds a call with named params.
   *
   * @param method the wire name
   * @param resultType the Java type of the result
   * @param params the named params
   * @param <T> the result type
   * @return the future of this call's result, completed after {@link #send()}
   */
  public <T> CompletableFuture<T> callNamed(String method, Type resultType, Map<String, ?> params) {
    Objects.requireNonNull(params, "params == null");
    return add(method, resultType, peer.named(params));
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
    entries.add(new Entry(Objects.requireNonNull(method, "method == null"), peer.positional(params), null, null));
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
    peer.sendBatch(entries);
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> add(String method, Type resultType, MessageWriter.Body params) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(resultType, "resultType == null");
    checkOpen();
    Peer.CallFuture<Object> future = peer.newBatchFuture();
    entries.add(new Entry(method, params, peer.batchAdapter(resultType), future));
    return (CompletableFuture<T>) (CompletableFuture<?>) future;
  }

  private void checkOpen() {
    if (sent) {
      throw new IllegalStateException("batch already sent");
    }
  }
}
