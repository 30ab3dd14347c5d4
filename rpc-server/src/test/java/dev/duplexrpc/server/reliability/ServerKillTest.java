package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.server.testing.ServerMain.Feed;
import dev.duplexrpc.server.testing.ServerMain.Ticker;
import dev.duplexrpc.server.testing.ServerProcess;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server is a separate JVM, killed with SIGKILL in the middle of a stream of calls: every
 * pending call fails at once; a new server JVM on the same port is found by the reconnecting
 * client, whose hook subscribes again; calls succeed again; and every call made along the way
 * ended exactly once.
 */
class ServerKillTest {
  static final Duration JVM_START = Duration.ofSeconds(60);
  static final long WAIT_SECONDS = 20;

  /** Ticks the client received, as "topic pid". */
  final BlockingQueue<Long> ticks = new LinkedBlockingQueue<>();
  final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
  /** Gets an element each time the connection is OPEN again: paces the stream while offline. */
  final BlockingQueue<Boolean> online = new LinkedBlockingQueue<>();
  final List<ServerProcess> servers = new ArrayList<>();
  ClientConnection client;

  @AfterEach
  void stopAll() {
    if (client != null) {
      client.close();
    }
    servers.forEach(ServerProcess::close);
  }

  private ServerProcess startServer(int port) throws Exception {
    ServerProcess p = ServerProcess.start(port, JVM_START);
    servers.add(p);
    return p;
  }

  /**
   * A free port below the ephemeral range (32768 and up on Linux): the second server must be able
   * to listen on the first one's port, and while none listens there a reconnect attempt's own
   * ephemeral source port could take it (an attempt can even connect to itself).
   */
  private static int freePortOutsideTheEphemeralRange() throws java.io.IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    java.io.IOException last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 10_000 + random.nextInt(20_000);
      try (java.net.ServerSocket s = new java.net.ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (java.io.IOException e) {
        last = e; // taken: try another
      }
    }
    throw last;
  }

  /** Waits for a tick from the given server process, skipping older ones. */
  private void awaitTickFrom(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      Long from = ticks.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (from == null) {
        throw new AssertionError("no tick from pid " + pid + " within " + WAIT_SECONDS + " s");
      }
      if (from == pid) {
        return;
      }
    }
  }

  private void awaitState(ConnectionState wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      ConnectionState s = states.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("not " + wanted + " within " + WAIT_SECONDS + " s");
      }
      if (s == wanted) {
        return;
      }
    }
  }

  @Test
  void killedServerFailsPendingCallsAtOnceAndItsSuccessorIsRejoined() throws Exception {
    ServerProcess first = startServer(freePortOutsideTheEphemeralRange());
    int port = first.port();
    AtomicInteger hookRuns = new AtomicInteger();
    client = RpcClient.builder()
        .resumableSessions(false) // calls fail at the kill; ResumeTest's restart fails them at the fresh session
        .uri(URI.create("ws://127.0.0.1:" + port + "/"))
        .callTimeout(Duration.ofMinutes(1))
        .connectTimeout(Duration.ofSeconds(5))
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(250)))
        .service((Ticker) (topic, pid) -> ticks.add(pid))
        .onReconnected(c -> {
          hookRuns.incrementAndGet();
          c.remote(Feed.class).subscribe("prices");
        })
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
            if (state == ConnectionState.OPEN) {
              online.add(true);
            }
          }
        })
        .build()
        .connect();
    Feed feed = client.remote(Feed.class);
    assertEquals(first.pid(), feed.subscribe("prices"));
    awaitTickFrom(first.pid());

    // A stream of calls, at most 64 in flight, each recording its outcome exactly once.
    ConcurrentHashMap<Integer, String> outcomes = new ConcurrentHashMap<>();
    AtomicInteger doubles = new AtomicInteger();
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    Semaphore window = new Semaphore(64);
    AtomicBoolean streaming = new AtomicBoolean(true);
    AtomicReference<CountDownLatch> okMilestone = new AtomicReference<>(new CountDownLatch(2_000));
    CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
      for (int i = 0; streaming.get() && i < 1_000_000; i++) {
        try {
          if (!window.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("calls stopped completing");
          }
        } catch (InterruptedException e) {
          throw new CompletionException(e);
        }
        int n = i;
        CompletableFuture<Integer> f = feed.work(n);
        // The stage after the outcome is recorded: waiting for the call itself could wake the test
        // before this action ran (a future runs its dependents last-registered first).
        CompletableFuture<Integer> recorded = f.whenComplete((v, e) -> {
          String outcome = e == null ? (v == n ? "ok" : "wrong") : e.getClass().getSimpleName();
          if (outcomes.putIfAbsent(n, outcome) != null) {
            doubles.incrementAndGet();
          }
          if (e == null) {
            okMilestone.get().countDown();
          }
          window.release();
        });
        synchronized (calls) {
          calls.add(recorded);
        }
        if (f.isCompletedExceptionally()) {
          // Offline: calls fail at once. Pace the stream instead of spinning (a bounded wait).
          try {
            online.poll(20, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            throw new CompletionException(e);
          }
        }
      }
    });
    // Let the stream run, with calls that never answer pending beside it.
    assertTrue(okMilestone.get().await(WAIT_SECONDS, TimeUnit.SECONDS), "calls succeed at first");
    List<CompletableFuture<String>> hanging = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hanging.add(feed.hang());
    }
    feed.work(-1).get(WAIT_SECONDS, TimeUnit.SECONDS); // the hangs are surely on the server now
    long okBeforeKill = countOk(outcomes);

    long killedAt = System.nanoTime();
    first.kill(Duration.ofSeconds(WAIT_SECONDS));
    long failedWithin = 0;
    for (CompletableFuture<String> h : hanging) {
      Throwable e = h.handle((v, t) -> t).get(WAIT_SECONDS, TimeUnit.SECONDS);
      ConnectionClosedException c = assertInstanceOf(ConnectionClosedException.class, e);
      assertEquals(1006, c.closeCode());
      failedWithin = Math.max(failedWithin, System.nanoTime() - killedAt);
    }
    long failedMillis = TimeUnit.NANOSECONDS.toMillis(failedWithin);
    assertTrue(failedMillis < 5_000, "pending calls failed " + failedMillis + " ms after the kill");
    awaitState(ConnectionState.RECONNECTING);

    okMilestone.set(new CountDownLatch(1_000));
    ServerProcess second = startServer(port);
    assertNotEquals(first.pid(), second.pid());
    awaitState(ConnectionState.OPEN);
    awaitTickFrom(second.pid()); // the hook subscribed again, on the new server
    assertEquals(1, hookRuns.get());
    assertTrue(okMilestone.get().await(WAIT_SECONDS, TimeUnit.SECONDS), "calls succeed again");
    streaming.set(false);
    stream.get(WAIT_SECONDS, TimeUnit.SECONDS);
    List<CompletableFuture<Integer>> all;
    synchronized (calls) {
      all = new ArrayList<>(calls);
    }
    CompletableFuture.allOf(all.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
        .get(WAIT_SECONDS, TimeUnit.SECONDS);

    // Every call ended exactly once: a result (the right one) or a ConnectionClosedException.
    assertEquals(all.size(), outcomes.size(), "one outcome per call");
    assertEquals(0, doubles.get(), "no call ended twice");
    long ok = countOk(outcomes);
    long closed = outcomes.values().stream().filter("ConnectionClosedException"::equals).count();
    assertEquals(all.size(), ok + closed, "only results and ConnectionClosedException: " + summary(outcomes));
    assertTrue(ok >= okBeforeKill + 1_000, "calls succeeded after the restart");
    System.out.printf("server kill: %d calls, %d ok (%d before the kill), %d failed (pending at the kill"
            + " or made offline); pending calls failed %d ms after SIGKILL%n",
        all.size(), ok, okBeforeKill, closed, failedMillis);
  }

  private static long countOk(ConcurrentHashMap<Integer, String> outcomes) {
    return outcomes.values().stream().filter("ok"::equals).count();
  }

  private static String summary(ConcurrentHashMap<Integer, String> outcomes) {
    ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
    outcomes.values().forEach(o -> counts.merge(o, 1, Integer::sum));
    return counts.toString();
  }
}
