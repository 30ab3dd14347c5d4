package dev.duplexrpc.server.cluster.internal;

import dev.duplexrpc.server.cluster.Cluster;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one bridge between the server's machinery and the public {@link Cluster}: the endpoint
 * asks here for the {@code Cluster} in front of its {@link ClusterNode}. {@code Cluster}'s
 * constructor stays private, so applications cannot make one; its static initializer hands this
 * class the factory. This is the device of OkHttp 3's {@code okhttp3.internal.Internal}: nothing
 * but this factory crosses from the API package into the internal one.
 */
public final class ClusterAccess {
  private static volatile Function<ClusterNode, Cluster> factory;

  private ClusterAccess() {}

  /**
   * Called once, by {@link Cluster}'s static initializer.
   *
   * @param f makes the Cluster in front of a node
   * @throws IllegalStateException if a factory was already set
   */
  public static synchronized void factory(Function<ClusterNode, Cluster> f) {
    Objects.requireNonNull(f, "f == null");
    if (factory != null) {
      throw new IllegalStateException("the Cluster factory is set once, by Cluster");
    }
    factory = f;
  }

  /**
   * The public Cluster in front of a node.
   *
   * @param node the node
   * @return a new Cluster
   */
  public static Cluster cluster(ClusterNode node) {
    Function<ClusterNode, Cluster> f = factory;
    if (f == null) {
      try { // runs Cluster's static initializer, which sets the factory
        Class.forName(Cluster.class.getName(), true, Cluster.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      f = factory;
    }
    return f.apply(node);
  }
}
