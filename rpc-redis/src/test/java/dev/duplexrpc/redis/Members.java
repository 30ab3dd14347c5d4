package dev.duplexrpc.redis;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Test clients of the nodes: who they are, and the events they received. */
final class Members {
  private Members() {}

  /** One client: its connection, the node and connection id the server reports, its events. */
  static final class Member implements AutoCloseable {
    final ClientConnection connection;
    final BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
    final BlockingQueue<ConnectionState> states;
    volatile String node;
    volatile String id;

    Member(ClientConnection connection, BlockingQueue<ConnectionState> states) {
      this.connection = connection;
      this.states = states;
    }

    /** Waits for the connection to enter a state (the states it passes through are recorded). */
    void awaitState(ConnectionState wanted, Duration wait) throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        ConnectionState s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (s == null) {
          throw new AssertionError(this + " did not turn " + wanted + " within " + wait + "; now " + connection.state());
        }
        if (s == wanted) {
          return;
        }
      }
    }

    NodeMain.Hub hub() {
      return connection.remote(NodeMain.Hub.class);
    }

    /** Asks the server who this client is now (after a reconnect: a new id, maybe a new node). */
    Member identify() {
      String[] who = hub().whoAmI().split(" ");
      node = who[0];
      id = who[1];
      return this;
    }

    /** The next event, or fails after the wait. */
    int nextTick(Duration wait) throws InterruptedException {
      Integer t = ticks.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        throw new AssertionError("no event within " + wait + " on " + this);
      }
      return t;
    }

    @Override
    public void close() {
      connection.close();
    }

    @Override
    public String toString() {
      return "client " + id + " on " + node;
    }
  }

  /** The client service: twice, a call that never answers, and errors on demand. */
  static final class ClientImpl implements NodeMain.Client {
    @Override
    public int twice(int n) {
      return 2 * n;
    }

    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }

    @Override
    public int fail(int code) {
      throw new RpcException(code, "failed on purpose");
    }
  }

  /** Connects a client to {@code uri} (failing over to the others), subscribed to {@code tick}. */
  static Member connect(URI uri, List<URI> failover) throws IOException {
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    ClientConnection c = RpcClient.builder()
        .uri(uri)
        .failoverUris(failover)
        .service(new ClientImpl())
        .callTimeout(Duration.ofSeconds(30))
        .reconnectPolicy(ReconnectPolicy.fixed(Duration.ofMillis(100)))
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        })
        .build()
        .connect();
    Member m = new Member(c, states);
    c.subscribe("tick", Integer.class, m.ticks::add);
    return m.identify();
  }

  static List<URI> others(List<NodeProcess> nodes, NodeProcess self) {
    List<URI> out = new ArrayList<>();
    for (NodeProcess n : nodes) {
      if (n != self) {
        out.add(n.uri());
      }
    }
    return out;
  }

  /**
   * Retries an action in another process until it returns true, pausing between tries; for a
   * condition no event announces (a node recovering from a Redis outage).
   */
  static void retryUntil(Duration wait, String what, java.util.concurrent.Callable<Boolean> action) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (action.call()) {
          return;
        }
      } catch (RpcException e) {
        last = e;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new AssertionError(what + " did not happen within " + wait, last);
  }

  static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RpcException r && r.code() == ErrorCodes.UNREACHABLE) {
        return true;
      }
    }
    return false;
  }
}
