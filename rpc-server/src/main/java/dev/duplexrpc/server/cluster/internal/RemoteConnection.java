package dev.duplexrpc.server.cluster.internal;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection held by another node, as this node calls it: a Peer of its own whose transport
 * sends each request to the owning node through the backplane and is fed the answers that come
 * back. So proxies, timeouts, cancellation and their exceptions are the Peer's, exactly as for a
 * local connection. What the transport adds: requests it could not deliver, or whose node died,
 * are answered here with {@link ErrorCodes#UNREACHABLE}.
 */
final class RemoteConnection implements Transport {
  private static final String REQUEST_START = "{\"jsonrpc\":\"2.0\",\"id\":";
  private static final String CANCEL_START = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":";

  private final ClusterNode cluster;
  private final String id;
  private final Peer peer;
  private final Object lock = new Object();
  private final Object deliveryLock = new Object();
  /** Ids of requests sent and not yet answered. */
  private final Set<Long> outstanding = ConcurrentHashMap.newKeySet();
  private Listener listener; // guarded by deliveryLock
  private boolean ended; // guarded by deliveryLock: onClose delivered
  private String node; // guarded by lock; null until located
  private boolean locating; // guarded by lock
  private RpcException dead; // guarded by lock: unreachable for good
  private final List<Queued> queue = new ArrayList<>(); // guarded by lock

  private record Queued(String frame, long requestId, CompletableFuture<Void> sent) {}

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

  @Override
  public void start(Listener l) {
    synchronized (deliveryLock) {
      this.listener = l;
    }
  }

  @Override
  public CompletionStage<Void> send(String frame) {
    long requestId = requestId(frame);
    if (frame.startsWith(CANCEL_START)) { // the Peer gave up on a call: no answer will come
      outstanding.remove(number(frame, CANCEL_START.length()));
    }
    synchronized (lock) {
      if (dead != null) {
        return CompletableFuture.failedFuture(dead);
      }
      if (!cluster.isAvailable()) {
        return CompletableFuture.failedFuture(cluster.unavailable(id, null));
      }
      if (requestId > 0) {
        outstanding.add(requestId);
      }
      if (node == null) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        queue.add(new Queued(frame, requestId, sent));
        if (!locating) {
          locating = true;
          cluster.locate(id).whenComplete(this::located);
        }
        return sent;
      }
      return sendNow(frame, requestId);
    }
  }

  private CompletableFuture<Void> sendNow(String frame, long requestId) { // holding lock
    CompletableFuture<Void> f = cluster.sendCall(node, id, frame);
    if (requestId > 0) {
      f.whenComplete((v, e) -> {
        if (e != null) {
          outstanding.remove(requestId);
        }
      });
    }
    return f;
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
          CompletableFuture<Void> f = sendNow(q.frame(), q.requestId());
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
      if (q.requestId() > 0) {
        outstanding.remove(q.requestId());
      }
      q.sent().completeExceptionally(failure);
    }
    if (dead != null) {
      cluster.forget(this);
    }
  }

  /** An answer from the owning node. */
  void reply(String frame) {
    long answered = answerId(frame);
    if (answered > 0) {
      outstanding.remove(answered);
    }
    deliver(frame);
  }

  /** The client's connection closed on its node: this Peer closes with its code and reason. */
  void closedRemotely(int code, String reason) {
    cluster.forget(this);
    end(code, reason);
  }

  /**
   * Answers every request in flight with {@link ErrorCodes#UNREACHABLE}; for good, also every
   * later one.
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
    for (Long requestId : new ArrayList<>(outstanding)) {
      if (outstanding.remove(requestId)) {
        deliver(errorFrame(requestId, e));
      }
    }
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

  private static String errorFrame(long requestId, RpcException e) {
    JsonObject err = new JsonObject();
    err.addProperty("code", e.code());
    err.addProperty("message", e.errorMessage());
    if (e.data() != null) {
      err.add("data", e.data());
    }
    JsonObject response = new JsonObject();
    response.addProperty("jsonrpc", "2.0");
    response.addProperty("id", requestId);
    response.add("error", err);
    return response.toString();
  }

  /** The id of a request this Peer wrote, or -1 for a notification. */
  private static long requestId(String frame) {
    return frame.startsWith(REQUEST_START) ? number(frame, REQUEST_START.length()) : -1;
  }

  private static long number(String frame, int start) {
    long v = 0;
    for (int i = start; i < frame.length(); i++) {
      char c = frame.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The numeric id of a response the owning node wrote ({@code {"jsonrpc":"2.0","id":N,...}}). */
  private static long answerId(String frame) {
    return requestId(frame);
  }

  @Override
  public String toString() {
    return "remote connection " + id + " on node " + node();
  }
}
