package dev.duplexrpc.core.internal.proxy;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.util.concurrent.CompletableFuture;

/**
 * Where a remote proxy's calls go: a Peer's outgoing path, or a binding's own (a reconnecting
 * client sends to its current connection, or queues while offline).
 */
public interface CallTarget {
  /**
   * Sends a request.
   *
   * @param method the wire name
   * @param params the params, or null for none
   * @param adapter the result's adapter, or null for none
   * @param timeoutMillis the timeout; 0 for none, {@code CallTable.DEFAULT_TIMEOUT} for the
   *     configured one
   * @param async false when the caller blocks on the future (see {@code CallFuture.await})
   * @return the call's future, with the exceptional completions of {@code Peer.call}
   */
  <T> CompletableFuture<T> request(String method, MessageWriter.Body params, TypeAdapter<?> adapter,
      long timeoutMillis, boolean async);

  /**
   * Sends a notification.
   *
   * @return completes when the transport took it
   * @throws dev.duplexrpc.core.ConnectionClosedException if it cannot be sent
   */
  CompletableFuture<Void> notification(String method, MessageWriter.Body params);

  /**
   * The outgoing half of the connection calls go to now, for calls that carry streams (they
   * belong to one connection): null when there is none.
   */
  CallTable connection();
}
