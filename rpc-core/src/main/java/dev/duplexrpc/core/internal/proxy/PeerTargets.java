package dev.duplexrpc.core.internal.proxy;

import dev.duplexrpc.core.Peer;
import java.util.Objects;
import java.util.function.Function;

/**
 * The {@link CallTarget} of a {@link Peer}: its outgoing path, which the public API does not
 * offer. A binding that makes its own proxies (the reconnecting client) sends through it to the
 * Peer of its current socket.
 */
public final class PeerTargets {
  private static volatile Function<Peer, CallTarget> access;

  private PeerTargets() {}

  /** Called once, by {@link Peer}'s class initialization. */
  public static void register(Function<Peer, CallTarget> a) {
    if (access != null) {
      throw new IllegalStateException("already registered");
    }
    access = Objects.requireNonNull(a, "access == null");
  }

  /** The Peer's outgoing path. */
  public static CallTarget of(Peer peer) {
    Objects.requireNonNull(peer, "peer == null"); // its class is initialized: access is set
    return access.apply(peer);
  }
}
