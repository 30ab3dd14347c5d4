package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Fails the calls a {@link Peer} is waiting on, through its call table, while the connection stays
 * open: for a binding whose transport learns that no answer will come (the cluster relay, when the
 * node holding a client dies), which the public API does not offer.
 */
public final class PendingCalls {
  private static volatile BiConsumer<Peer, RpcException> access;

  private PendingCalls() {}

  /** Called once, by {@link Peer}'s class initialization. */
  public static void register(BiConsumer<Peer, RpcException> a) {
    if (access != null) {
      throw new IllegalStateException("already registered");
    }
    access = Objects.requireNonNull(a, "access == null");
  }

  /**
   * Fails every call of {@code peer} waiting for a response with {@code error}.
   *
   * @param peer the Peer
   * @param error what each call fails with
   */
  public static void failAll(Peer peer, RpcException error) {
    Objects.requireNonNull(peer, "peer == null"); // its class is initialized: access is set
    access.accept(peer, Objects.requireNonNull(error, "error == null"));
  }
}
