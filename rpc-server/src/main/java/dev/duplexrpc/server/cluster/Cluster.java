package dev.duplexrpc.server.cluster;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.cluster.internal.ClusterAccess;
import dev.duplexrpc.server.cluster.internal.ClusterNode;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The server's place in a cluster of nodes sharing a {@link Backplane}: which node this is, and
 * handles for calling clients connected to any node. A server without a backplane is a cluster of
 * one: {@link #connection(String)} then finds its own connections only.
 *
 * <pre>{@code
 * // in a handler on node 1, for a client connected to node 3:
 * ConnectionHandle h = server.cluster().connection(customerConnectionId);
 * boolean ok = h.remote(Customer.class).confirm("order 17");
 * }</pre>
 *
 * <h2>What travels</h2>
 *
 * Events published on one node go to every node ({@link Events#publish}). A call through a
 * handle of a connection on another node goes to that node, which makes the call on its client
 * and sends the answer back; a cancel or a timeout on the calling node cancels the call there.
 * The directory of which node holds which connection, and which nodes are alive, is the
 * backplane's (see docs/cluster.md).
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class Cluster {
  static {
    ClusterAccess.factory(Cluster::new);
  }

  private final ClusterNode node;

  private Cluster(ClusterNode node) {
    this.node = node;
  }

  /**
   * This node's id: the backplane's, or {@code "local"} without one.
   *
   * @return the node id
   */
  public String nodeId() {
    return node.nodeId();
  }

  /**
   * Whether the server has a backplane.
   *
   * @return false for a server on its own
   */
  public boolean isClustered() {
    return node.isClustered();
  }

  /**
   * Whether cross-node operations can work at this moment: the server has a backplane, it was
   * started, and the bus is reachable.
   *
   * @return false on a server without a backplane, or during a backplane outage
   */
  public boolean isAvailable() {
    return node.isAvailable();
  }

  /**
   * A handle for calling a client, whether it is connected to this node or another. It does no
   * I/O: a connection not on this node is looked up in the directory by its first call, and a
   * connection no node holds fails that call with {@link ErrorCodes#UNREACHABLE}.
   *
   * @param connectionId a {@link ServerConnection#id()} of any node
   * @return the handle
   */
  public ConnectionHandle connection(String connectionId) {
    Objects.requireNonNull(connectionId, "connectionId == null");
    Optional<ServerConnection> local = node.local(connectionId);
    return local.isPresent()
        ? new ConnectionHandle(local.get())
        : new ConnectionHandle(connectionId, node.remotePeer(connectionId));
  }

  /**
   * Which node holds a connection, according to the directory.
   *
   * @param connectionId a connection id
   * @return a future of the node id; empty when no live node holds it. It fails with {@link
   *     RpcException} {@link ErrorCodes#UNREACHABLE} when the backplane is unavailable
   */
  public CompletableFuture<Optional<String>> locate(String connectionId) {
    Objects.requireNonNull(connectionId, "connectionId == null");
    return node.locate(connectionId);
  }

  @Override
  public String toString() {
    return "Cluster[" + node + "]";
  }
}
