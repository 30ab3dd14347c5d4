package dev.duplexrpc.server.testing;

import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.server.cluster.BackplaneUnavailableException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A backplane bus in this JVM, for the server's own cluster tests: nodes made by {@link #node}
 * share it. Each node receives on one thread of its own, in the order messages were sent, as the
 * SPI requires. {@link #kill} makes a node vanish as a killed process would; {@link #outage}
 * makes the bus unavailable to everyone.
 */
public final class InMemoryBus {
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, String> directory = new ConcurrentHashMap<>();
  private volatile boolean down;

  /** A new node of this bus. */
  public Backplane node(String id) {
    return new Node(id);
  }

  /** The node vanishes: no goodbye, its directory entries stay; watchers hear nodeDown. */
  public void kill(String id) {
    Node n = nodes.remove(id);
    if (n != null) {
      n.inbox.shutdownNow();
    }
    for (Node other : nodes.values()) {
      if (other.watched.remove(id)) {
        other.inbox.execute(() -> other.receiver.nodeDown(id));
      }
    }
  }

  /** The bus becomes unavailable (true) or available again (false). */
  public void outage(boolean on) {
    down = on;
    for (Node n : nodes.values()) {
      n.inbox.execute(() -> n.receiver.availabilityChanged(!on));
    }
  }

  private final class Node implements Backplane {
    final String id;
    final Set<String> watched = ConcurrentHashMap.newKeySet();
    final ExecutorService inbox;
    volatile Receiver receiver;

    Node(String id) {
      this.id = id;
      this.inbox = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bus-" + id);
        t.setDaemon(true);
        return t;
      });
    }

    @Override
    public String nodeId() {
      return id;
    }

    @Override
    public void start(Receiver r) {
      this.receiver = r;
      nodes.put(id, this);
    }

    @Override
    public CompletionStage<Void> broadcast(String message) {
      if (down) {
        return CompletableFuture.failedFuture(new BackplaneUnavailableException("bus down", null));
      }
      for (Node n : nodes.values()) {
        n.inbox.execute(() -> n.receiver.onBroadcast(message));
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(String node, String message) {
      if (down) {
        return CompletableFuture.failedFuture(new BackplaneUnavailableException("bus down", null));
      }
      Node n = nodes.get(node);
      if (n == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("node " + node + " is not listening"));
      }
      n.inbox.execute(() -> n.receiver.onMessage(message));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void register(String connectionId) {
      directory.put(connectionId, id);
    }

    @Override
    public void unregister(String connectionId) {
      directory.remove(connectionId, id);
    }

    @Override
    public CompletionStage<Optional<String>> locate(String connectionId) {
      if (down) {
        return CompletableFuture.failedFuture(new BackplaneUnavailableException("bus down", null));
      }
      String node = directory.get(connectionId);
      return CompletableFuture.completedFuture(node != null && nodes.containsKey(node) ? Optional.of(node) : Optional.empty());
    }

    @Override
    public void watch(String node) {
      watched.add(node);
    }

    @Override
    public boolean isAvailable() {
      return !down && nodes.containsKey(id);
    }

    @Override
    public void close() {
      nodes.remove(id, this);
      directory.values().removeIf(id::equals);
      inbox.shutdown();
    }
  }
}
