package dev.duplexrpc.server.cluster.internal;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.PendingCalls;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A connection held by another node, as this node calls it: a Peer of its own whose transport
 * sends each request to the owning node through the backplane and is fed the answers that come
 * back. So proxies, timeouts, cancellation and their exceptions are the Peer's, exactly as for a
 * local connection. What the transport adds: a request it could not deliver fails its send with
 * {@link ErrorCodes#UNREACHABLE}, and when the owning node dies the Peer's waiting calls fail with
 * it through the Peer's own call table ({@link PendingCalls}); the frames are never parsed here.
 */
final class RemoteConnection implements Transport {

  private final ClusterNode cluster;
  private final String id;
  private final Peer peer;
  private final Object lock = new Object();
  private final Object deliveryLock = new Object();
  private Listener listener; // guarded by deliveryLock
  private boolean ended; // guarded by deliveryLock: onClose delivered
  private String node; // guarded by lock; null until located
  private boolean locating; // guarded by lock
  private RpcException dead; // guarded by lock: unreachable for good
  private final List<Queued> queue = new ArrayList<>(); // guarded by lock

  private record Queued(String frame, CompletableFuture<Void> sent) {}

  RemoteConnection(ClusterNode cluster, String id, Peer.Builder template) {
    this.cluster = cluster;
    this.id = id;
    this.peer = template.copy().transport(this).build();
  }

  String id() {
    return id;
  }

  Peer peer() {
    return peer;
  }

  String node() {
    synchronized (lock) {
      return node;
    }
  }

  /**
   * Both ends of a relay are nodes of this library, so the wire extensions (the caller's trace
   * context) travel to the owning node; that node sends them on to the client only when the
   * client agreed them.
   */
  @Override
  public String subprotocol() {
    return Subprotocols.DUPLEX;
  }

  @Override
  public void start(Listener l) {
    synchronized (deliveryLock) {
      this.listener = l;
    }
  }

  @Override
  public CompletionStage<Void> send(String frame) {
    synchronized (lock) {
      if (dead != null) {
        return CompletableFuture.failedFuture(dead);
      }
      if (!cluster.isAvailable()) {
        return CompletableFuture.failedFuture(cluster.unavailable(id, null));
      }
      if (node == null) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        queue.add(new Queued(frame, sent));
        if (!locating) {
          locating = true;
          cluster.locate(id).whenComplete(this::located);
        }
        return sent;
      }
      return cluster.sendCall(node, id, frame);
    }
  }

  private void located(Optional<String> where, Throwable error) {
    List<Queued> waiting;
    RpcException failure = null;
    synchronized (lock) {
      locating = false;
      waiting = new ArrayList<>(queue);
      queue.clear();
      if (error != null) {
        failure = error instanceof RpcException r ? r : cluster.unavailable(id, error);
      } else if (where.isEmpty() || where.get().equals(cluster.nodeId())) {
        dead = ClusterNode.unreachable(id, null, "no node of the cluster holds connection " + id);
        failure = dead;
      } else {
        node = where.get();
        cluster.watch(node);
        for (Queued q : waiting) {
          CompletableFuture<Void> f = cluster.sendCall(node, id, q.frame());
          f.whenComplete((v, e) -> {
            if (e != null) {
              q.sent().completeExceptionally(e);
            } else {
              q.sent().complete(null);
            }
          });
        }
        return;
      }
    }
    for (Queued q : waiting) {
      q.sent().completeExceptionally(failure); // the Peer fails the call with it
    }
    if (dead != null) {
      cluster.forget(this);
    }
  }

  /** An answer from the owning node. */
  void reply(String frame) {
    deliver(frame);
  }

  /** The client's connection closed on its node: this Peer closes with its code and reason. */
  void closedRemotely(int code, String reason) {
    cluster.forget(this);
    end(code, reason);
  }

  /**
   * Fails every call the Peer is waiting on with {@link ErrorCodes#UNREACHABLE}; for good, also
   * every later one.
   */
  void unreachable(RpcException e, boolean forGood) {
    if (forGood) {
      synchronized (lock) {
        if (dead == null) {
          dead = e;
        }
      }
      cluster.forget(this);
    }
    PendingCalls.failAll(peer, e);
  }

  @Override
  public void close(int code, String reason) {
    cluster.forget(this);
    end(code, reason);
  }

  private void end(int code, String reason) {
    Listener l;
    synchronized (deliveryLock) {
      if (ended || listener == null) {
        ended = true;
        return;
      }
      ended = true;
      l = listener;
      l.onClose(code, reason);
    }
  }

  private void deliver(String frame) {
    synchronized (deliveryLock) {
      if (!ended && listener != null) {
        listener.onMessage(frame);
      }
    }
  }

  @Override
  public String toString() {
    return "remote connection " + id + " on node " + node();
  }
}
