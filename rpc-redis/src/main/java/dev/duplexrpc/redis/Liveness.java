package dev.duplexrpc.redis;

import dev.duplexrpc.server.cluster.Backplane.Receiver;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeat of one backplane and its view of whether Redis is available. Every third of the
 * shorter TTL it writes the node's liveness key, now and then the directory entries of the node's
 * connections, and checks whether the nodes it watches are still alive, reporting those that are
 * not. When Lettuce reports the connection lost, it marks Redis unavailable; when Lettuce is back,
 * it writes the node's keys again before marking Redis available, and declares no node dead until
 * Redis has been reachable for a whole node TTL (plus the reconnect delay). Its one job is this
 * liveness bookkeeping; it relays no messages.
 */
final class Liveness {
  private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());

  private final String nodeId;
  private final String uriText;
  private final Keys keys;
  private final Duration nodeTtl;
  private final Duration connectionTtl;
  private final Duration maxReconnectDelay;
  private final Set<String> registered;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final RedisErrors errors;
  private volatile Receiver receiver;
  private volatile Connections redis;
  private volatile ScheduledExecutorService heartbeat;
  private volatile boolean available;
  private volatile boolean recovering;
  private volatile long availableSince;
  private volatile long lastConnectionRefresh;
  private volatile boolean closed;

  /**
   * A heartbeat that has not started.
   *
   * @param registered the ids of this node's live connections, kept up to date by the backplane
   */
  Liveness(String nodeId, String uriText, Keys keys, Duration nodeTtl, Duration connectionTtl,
      Duration maxReconnectDelay, Set<String> registered, RedisErrors errors) {
    this.nodeId = nodeId;
    this.uriText = uriText;
    this.keys = keys;
    this.nodeTtl = nodeTtl;
    this.connectionTtl = connectionTtl;
    this.maxReconnectDelay = maxReconnectDelay;
    this.registered = registered;
    this.errors = errors;
  }

  /** What a node's liveness key holds. */
  static String nodeInfo() {
    return "pid " + ProcessHandle.current().pid();
  }

  /** Once both connections are open and the node key is claimed: marks Redis available and starts beating. */
  void start(Receiver receiver, Connections redis) {
    this.receiver = receiver;
    this.redis = redis;
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "duplex-redis-heartbeat-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    redis.client().addListener(new StateListener());
    // No grace at start (the grace is for nodes that reconnect after an outage later than us).
    availableSince = System.nanoTime() - nodeTtl.toNanos() - maxReconnectDelay.toNanos();
    lastConnectionRefresh = System.nanoTime();
    available = true;
    long period = heartbeatPeriod().toMillis();
    heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  /** Stops the heartbeat for good; availability changes are no longer reported. */
  void stop() {
    closed = true;
    ScheduledExecutorService h = heartbeat;
    if (h != null) {
      h.shutdownNow();
    }
  }

  /**
   * When the node leaves, after {@link #stop()}: deletes its liveness key and directory entries
   * if Redis is reachable, waiting for that at most the timeout, and marks Redis unavailable.
   */
  void leave(Duration timeout) {
    Connections r = redis;
    StatefulRedisConnection<String, String> c = r == null ? null : r.commands();
    if (available && c != null && c.isOpen()) {
      try {
        List<String> names = new ArrayList<>();
        names.add(keys.nodeKey(nodeId));
        for (String id : registered) {
          names.add(keys.connectionKey(id));
        }
        c.async().del(names.toArray(new String[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "Node {0} left without removing its keys: {1}", nodeId, e);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
    available = false;
  }

  /** Whether Redis is reachable, as far as this node knows. */
  boolean available() {
    return available;
  }

  /** Reports the node down once its liveness key is gone; this node itself is never watched. */
  void watch(String node) {
    if (!node.equals(nodeId)) {
      watched.add(node);
    }
  }

  /** The heartbeat: liveness key, directory entries, watched nodes; or recovery after an outage. */
  private void beat() {
    try {
      if (closed) {
        return;
      }
      if (!available) {
        recover();
        return;
      }
      RedisAsyncCommands<String, String> a = redis.commands().async();
      errors.quietly(a.set(keys.nodeKey(nodeId), nodeInfo(), SetArgs.Builder.px(nodeTtl.toMillis())), "heartbeat");
      long now = System.nanoTime();
      if (now - lastConnectionRefresh >= connectionTtl.toNanos() / 3) {
        lastConnectionRefresh = now;
        for (String id : registered) {
          errors.quietly(a.set(keys.connectionKey(id), nodeId, SetArgs.Builder.px(connectionTtl.toMillis())),
              "refresh " + id);
        }
      }
      if (now - availableSince >= nodeTtl.toNanos() + maxReconnectDelay.toNanos()) {
        for (String node : watched) {
          a.exists(keys.nodeKey(node)).thenAccept(n -> {
            if (n == 0 && available && watched.remove(node)) {
              LOG.log(Level.INFO, "Node {0} is no longer alive", node);
              receiver.nodeDown(node);
            }
          });
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Heartbeat of node {0} failed: {1}", nodeId, e);
    }
  }

  /** After an outage: once both connections are back, writes this node's keys again. */
  private void recover() {
    StatefulRedisConnection<String, String> c = redis.commands();
    StatefulRedisPubSubConnection<String, String> p = redis.pubsub();
    if (recovering || c == null || p == null || !c.isOpen() || !p.isOpen()) {
      return;
    }
    recovering = true;
    RedisAsyncCommands<String, String> a = c.async();
    List<CompletableFuture<String>> writes = new ArrayList<>();
    writes.add(a.set(keys.nodeKey(nodeId), nodeInfo(), SetArgs.Builder.px(nodeTtl.toMillis())).toCompletableFuture());
    for (String id : registered) {
      writes.add(a.set(keys.connectionKey(id), nodeId, SetArgs.Builder.px(connectionTtl.toMillis()))
          .toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
      recovering = false;
      if (e != null || closed) {
        LOG.log(Level.DEBUG, "Node {0} not recovered yet: {1}", nodeId, e);
        return;
      }
      long now = System.nanoTime();
      availableSince = now;
      lastConnectionRefresh = now;
      available = true;
      LOG.log(Level.INFO, "Node {0}: Redis at {1} is reachable again", nodeId, uriText);
      receiver.availabilityChanged(true);
    });
  }

  private final class StateListener implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (closed) {
        return;
      }
      boolean was;
      synchronized (StateListener.this) {
        was = available;
        available = false;
      }
      if (was) {
        LOG.log(Level.WARNING, "Node {0} lost Redis at {1}; cross-node operations fail until it is back", nodeId,
            uriText);
        receiver.availabilityChanged(false);
      }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
      if (closed || available) {
        return;
      }
      try {
        heartbeat.execute(Liveness.this::beat); // recover now, not at the next beat
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Recovery of node {0} not scheduled: {1}", nodeId, e);
      }
    }
  }

  private Duration heartbeatPeriod() {
    Duration shortest = nodeTtl.compareTo(connectionTtl) < 0 ? nodeTtl : connectionTtl;
    return shortest.dividedBy(3);
  }
}
