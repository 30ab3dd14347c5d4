package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.Peer;
import java.util.Objects;

/**
 * The object a binding built a {@link Peer} for (the server's {@code ServerConnection}), kept on
 * the Peer itself rather than in its attribute map: the map stays the application's, and is not
 * made on a connection whose application never uses it. The public API does not offer this.
 */
public final class PeerOwner {
  /** How the owner is read and set on a Peer; registered by {@link Peer}. */
  public interface Access {
    /** The owner, or null. */
    Object get(Peer peer);

    /** Sets the owner, once. */
    void set(Peer peer, Object owner);
  }

  private static volatile Access access;

  private PeerOwner() {}

  /** Called once, by {@link Peer}'s class initialization. */
  public static void register(Access a) {
    if (access != null) {
      throw new IllegalStateException("already registered");
    }
    access = Objects.requireNonNull(a, "access == null");
  }

  /**
   * The owner of a Peer.
   *
   * @param peer the Peer
   * @return what {@link #set} set, or null
   */
  public static Object get(Peer peer) {
    Objects.requireNonNull(peer, "peer == null"); // its class is initialized: access is set
    return access.get(peer);
  }

  /**
   * Sets the owner of a Peer.
   *
   * @param peer the Peer
   * @param owner its owner
   */
  public static void set(Peer peer, Object owner) {
    Objects.requireNonNull(peer, "peer == null");
    access.set(peer, Objects.requireNonNull(owner, "owner == null"));
  }
}
