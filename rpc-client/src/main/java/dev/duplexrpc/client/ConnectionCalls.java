package dev.duplexrpc.client;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.proxy.CallTarget;
import dev.duplexrpc.core.internal.proxy.PeerTargets;
import dev.duplexrpc.websocket.internal.Background;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where a connection's proxies send their calls: the current socket's Peer while the connection is
 * open (or the new one, from the reconnect hook's thread), else the offline queue, where a call
 * waits for the connection to send it on its next socket, to fail it when closing for good, or to
 * time out; with no queue, or a full one, the call fails at once. The queue is guarded by the
 * {@link ConnectionLifecycle}'s lock, under which the lifecycle also drains it in order as the
 * state turns OPEN, so no call made after that overtakes a queued one.
 */
final class ConnectionCalls implements CallTarget {
  private static final System.Logger LOG = System.getLogger(ConnectionCalls.class.getName());

  private final ConnectionLifecycle lifecycle;
  private final Object lock; // the lifecycle's
  private final int queueSize;
  private final long queueWaitNanos;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>(); // guarded by lock

  ConnectionCalls(ConnectionLifecycle lifecycle, Object lock, int queueSize, Duration queueWait) {
    this.lifecycle = lifecycle;
    this.lock = lock;
    this.queueSize = queueSize;
    this.queueWaitNanos = queueWait.toNanos();
  }

  @Override
  public CallTable connection() {
    Peer open = lifecycle.openPeer(); // a stream belongs to one socket: no offline queue for it
    return open == null ? null : PeerTargets.of(open).connection();
  }

  @Override
  public <T> CompletableFuture<T> request(String method, MessageWriter.Body params,
      TypeAdapter<?> adapter, long timeoutMillis, boolean async) {
    Peer open = lifecycle.openPeer();
    if (open != null) {
      return PeerTargets.of(open).request(method, params, adapter, timeoutMillis, async);
    }
    CompletableFuture<T> out = new CompletableFuture<>();
    RpcContext context = RpcContext.current(); // for the interceptors when it is sent
    Waiter w = new Waiter(peer -> {
      try (RpcContext.Scope s = context.attach()) {
        forward(PeerTargets.of(peer).request(method, params, adapter, timeoutMillis, async), out);
      }
    }, out::completeExceptionally);
    Peer opened;
    try {
      opened = offline(w);
    } catch (ConnectionClosedException refused) {
      return CompletableFuture.failedFuture(refused); // a blocking proxy method throws it
    }
    if (opened != null) {
      return PeerTargets.of(opened).request(method, params, adapter, timeoutMillis, async);
    }
    out.whenComplete((v, e) -> {
      if (e instanceof CancellationException) {
        synchronized (lock) {
          queue.remove(w);
        }
        w.cancelTimer();
      }
    });
    return out;
  }

  @Override
  public CompletableFuture<Void> notification(String method, MessageWriter.Body params) {
    Peer open = lifecycle.openPeer();
    if (open != null) {
      return PeerTargets.of(open).notification(method, params);
    }
    CompletableFuture<Void> out = new CompletableFuture<>();
    RpcContext context = RpcContext.current();
    Waiter w = new Waiter(peer -> {
      try (RpcContext.Scope s = context.attach()) {
        forward(PeerTargets.of(peer).notification(method, params), out);
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Queued notification {0} not sent: {1}", method, e);
        out.completeExceptionally(e);
      }
    }, e -> {
      LOG.log(Level.DEBUG, "Queued notification {0} dropped: {1}", method, e);
      out.completeExceptionally(e);
    });
    Peer opened = offline(w);
    return opened != null ? PeerTargets.of(opened).notification(method, params) : out;
  }

  /** Empties the queue, holding the lock: the caller sends or fails the calls, in order. */
  List<Waiter> drain() {
    List<Waiter> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  /**
   * A call made while not OPEN: queued (returns null), refused (throws), or, if the connection
   * has just opened, to be sent at once (returns the Peer).
   *
   * @throws ConnectionClosedException if the connection is closed, there is no offline queue, or
   *     it is full
   */
  private Peer offline(Waiter w) {
    synchronized (lock) {
      Peer open = lifecycle.peerUnlessOffline();
      if (open != null) {
        return open;
      }
      if (queueSize == 0) {
        throw offlineException("calls made while offline fail at once (no offline queue)");
      }
      if (queue.size() >= queueSize) {
        throw offlineException("the offline queue is full (" + queueSize + " calls); the call was not sent");
      }
      queue.add(w);
      w.timer = Background.scheduler().schedule(() -> expire(w), queueWaitNanos, TimeUnit.NANOSECONDS);
      return null;
    }
  }

  /** Completes a queued call's future from the call sent for it; cancelling it cancels that call. */
  @SuppressWarnings("unchecked")
  private static <T> void forward(CompletableFuture<?> sent, CompletableFuture<T> out) {
    if (out.isDone()) {
      sent.cancel(true); // cancelled while queued
      return;
    }
    sent.whenComplete((v, e) -> {
      if (e != null) {
        out.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
      } else {
        out.complete((T) v);
      }
    });
    out.whenComplete((v, e) -> {
      if (out.isCancelled()) {
        sent.cancel(true); // sends rpc.cancel
      }
    });
  }

  private ConnectionClosedException offlineException(String why) { // holding lock
    ConnectionClosedException last = lifecycle.lastClose();
    int code = last == null ? 1006 : last.closeCode();
    String lost = last == null || last.closeReason().isEmpty() ? "" : " after: " + last.closeReason();
    return new ConnectionClosedException(code, "offline, reconnecting" + lost + "; " + why);
  }

  private void expire(Waiter w) {
    ConnectionClosedException ex;
    synchronized (lock) {
      if (!queue.remove(w)) {
        return;
      }
      ex = offlineException("not reconnected within " + Duration.ofNanos(queueWaitNanos).toMillis()
          + " ms; the call was not sent");
    }
    w.fail(ex);
  }

  /** A call held while offline: what to do with the new Peer, or with the failure. */
  static final class Waiter {
    private final Consumer<Peer> onReady;
    private final Consumer<Throwable> onFail;
    volatile ScheduledFuture<?> timer;

    Waiter(Consumer<Peer> onReady, Consumer<Throwable> onFail) {
      this.onReady = onReady;
      this.onFail = onFail;
    }

    void ready(Peer peer) {
      cancelTimer();
      onReady.accept(peer);
    }

    void fail(Throwable e) {
      cancelTimer();
      onFail.accept(e);
    }

    void cancelTimer() {
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
    }
  }
}
