package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.Peer;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The object a binding built a {@link Peer} for (the server's {@code ServerConnection}), kept on
 * the Peer itself rather than in its attribute map: the map stays the application's, and is not
 * made on a connection whose application never uses it. The public API does not offer this.
 */
public final class PeerOwner {
  private static volatile Function<Peer, Object> getter;
  private static volatile BiConsumer<Peer, Object> setter;

  private PeerOwner() {}

  /**
   * Called once, by {@link Peer}'s class initialization.
   *
   * @param get reads a Peer's owner
   * @param set sets it
   */
  public static void register(Function<Peer, Object> get, BiConsumer<Peer, Object> set) {
    if (getter != null) {
      throw new IllegalStateException("already registered");
    }
    setter = Objects.requireNonNull(set, "set == null");
    getter = Objects.requireNonNull(get, "get == null");
  }

  /**
   * The owner of a Peer.
   *
   * @param peer the Peer
   * @return what {@link #set} set, or null
   */
  public static Object get(Peer peer) {
    Objects.requireNonNull(peer, "peer == null"); // its class is initialized: access is set
    return getter.apply(peer);
  }

  /**
   * Sets the owner of a Peer.
   *
   * @param peer the Peer
   * @param owner its owner
   */
  public static void set(Peer peer, Object owner) {
    Objects.requireNonNull(peer, "peer == null");
    setter.accept(peer, Objects.requireNonNull(owner, "owner == null"));
  }
}
