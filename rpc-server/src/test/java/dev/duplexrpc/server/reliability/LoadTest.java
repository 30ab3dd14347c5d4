package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.Heap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent client connections on loopback, each calling the server and served calls from
 * it, with exact accounting: every call ends with exactly one outcome, none is lost or run twice,
 * and the heap after a full collection returns near its start once the connections are closed.
 *
 * <p>{@code mvn verify} runs 2,000 connections with 10 calls each way on each (40,000 calls);
 * the {@code load} profile runs 100 calls each way (400,000). The clients share one I/O transport
 * ({@code sharedTransport(true)}), as an application holding this many connections would.
 */
class LoadTest {
  static final int CONNECTIONS = Integer.getInteger("duplex.load.connections", 2000);
  static final int CALLS_EACH_WAY = Integer.getInteger("duplex.load.calls", 10);
  static final long WAIT_SECONDS = 120;

  /** The server's service. */
  public interface Adder {
    @RpcMethod
    CompletableFuture<Long> add(long callId, long a, long b);
  }

  /** Each client's service. */
  public interface Multiplier {
    @RpcMethod
    CompletableFuture<Long> mul(long callId, long a, long b);
  }

  /** Call ids each side has run: a second run of one id would be a duplicate. */
  Set<Long> ranOnServer = ConcurrentHashMap.newKeySet();
  Set<Long> ranOnClients = ConcurrentHashMap.newKeySet();
  final AtomicLong duplicates = new AtomicLong();
  final CountDownLatch serverSidesClosed = new CountDownLatch(CONNECTIONS);

  @Test
  void everyCallOnManyConnectionsEndsExactlyOnce() throws Exception {
    long heapAtStart = Heap.usedAfterGc();
    RpcServer server = RpcServer.builder()
        .service((Adder) (id, a, b) -> {
          if (!ranOnServer.add(id)) {
            duplicates.incrementAndGet();
          }
          return CompletableFuture.completedFuture(a + b);
        })
        .callTimeout(Duration.ofSeconds(WAIT_SECONDS))
        // Thousands of clients from one address, connecting at once: no per-address limits.
        .connectionLimits(ConnectionLimits.builder()
            .maxConnectionsPerAddress(0).maxPendingHandshakesPerAddress(0).maxPendingHandshakes(0).build())
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {}

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            serverSidesClosed.countDown();
          }
        })
        .build()
        .start();
    RpcClient client = RpcClient.builder()
        .uri(server.uri())
        .service((Multiplier) (id, a, b) -> {
          if (!ranOnClients.add(id)) {
            duplicates.incrementAndGet();
          }
          return CompletableFuture.completedFuture(a * b);
        })
        .callTimeout(Duration.ofSeconds(WAIT_SECONDS))
        .sharedTransport(Boolean.parseBoolean(System.getProperty("duplex.load.shared", "true")))
        .build();
    List<ClientConnection> connections = new ArrayList<>();
    long start = System.nanoTime();
    long connectedAt;
    long heapLoaded;
    int threadsLoaded;
    Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    long issued = 0;
    try {
      ExecutorService connectors = Executors.newFixedThreadPool(8);
      try {
        List<Future<ClientConnection>> opening = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
          opening.add(connectors.submit(client::connect));
        }
        for (Future<ClientConnection> f : opening) {
          connections.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS));
        }
      } finally {
        connectors.shutdown();
      }
      connectedAt = System.nanoTime();
      // The server has registered a connection once it answered a call on it.
      List<CompletableFuture<?>> warmup = new ArrayList<>();
      for (ClientConnection c : connections) {
        warmup.add(c.remote(Adder.class).add(-1 - warmup.size(), 0, 0));
      }
      CompletableFuture.allOf(warmup.toArray(new CompletableFuture<?>[0])).get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(CONNECTIONS, server.connections().size());
      ranOnServer.clear();

      List<CompletableFuture<Void>> calls = new ArrayList<>();
      long id = 0;
      List<ServerConnection> serverSides = new ArrayList<>(server.connections());
      for (int round = 0; round < CALLS_EACH_WAY; round++) {
        for (int i = 0; i < CONNECTIONS; i++) {
          long a = round;
          long b = i;
          long up = id++;
          calls.add(account(connections.get(i).remote(Adder.class).add(up, a, b), a + b, outcomes));
          long down = id++;
          calls.add(account(serverSides.get(i).remote(Multiplier.class).mul(down, a, b), a * b, outcomes));
          issued += 2;
        }
      }
      CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(WAIT_SECONDS, TimeUnit.SECONDS);
      heapLoaded = Heap.usedAfterGc();
      threadsLoaded = Thread.getAllStackTraces().size();
    } finally {
      for (ClientConnection c : connections) {
        c.close();
      }
      server.close();
    }
    for (ClientConnection c : connections) {
      c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertTrue(serverSidesClosed.await(WAIT_SECONDS, TimeUnit.SECONDS), "every server side closed");
    connections.clear(); // the heap figure below must not count what this test still holds
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long connectMillis = TimeUnit.NANOSECONDS.toMillis(connectedAt - start);

    long ok = outcomes.getOrDefault("ok", new AtomicLong()).get();
    long total = outcomes.values().stream().mapToLong(AtomicLong::get).sum();
    assertEquals(issued, total, "one outcome per call: " + outcomes);
    assertEquals(issued, ok, "every call answered with its right result: " + outcomes);
    assertEquals(issued / 2, ranOnServer.size(), "each client call ran once on the server");
    assertEquals(issued / 2, ranOnClients.size(), "each server call ran once on a client");
    assertEquals(0, duplicates.get(), "no call ran twice");
    // The test's own bookkeeping (a set entry per call) is not the library's: drop it first.
    ranOnServer = ConcurrentHashMap.newKeySet();
    ranOnClients = ConcurrentHashMap.newKeySet();

    // Right after the closes, sockets are still being released by the I/O threads (the server's
    // listener shutting down, the shared client transport closing its channels); the heap then
    // settles. Full collections, at most 20 rounds of them, until it is back near the start.
    long heapRightAfter = Heap.usedAfterGc();
    long heapAtEnd = heapRightAfter;
    int rounds = 0;
    while (heapAtEnd - heapAtStart >= 16L << 20 && rounds < 20) {
      heapAtEnd = Heap.usedAfterGc();
      rounds++;
    }
    int threadsAtEnd = Thread.getAllStackTraces().size();
    System.out.printf("load: %d connections (connected in %d ms), %d calls (%d each way), %d ok, in %d ms;"
            + " heap after GC %s at start, %s loaded, %s right after closing, %s settled (%d more GC rounds);"
            + " threads %d loaded, %d after%n",
        CONNECTIONS, connectMillis, issued, issued / 2, ok, millis, Heap.mib(heapAtStart), Heap.mib(heapLoaded),
        Heap.mib(heapRightAfter), Heap.mib(heapAtEnd), rounds, threadsLoaded, threadsAtEnd);
    assertTrue(heapAtEnd - heapAtStart < 16L << 20,
        "heap after GC back near its start: " + Heap.mib(heapAtStart) + " -> " + Heap.mib(heapAtEnd));
  }

  /** Records the call's one outcome: "ok", "wrong", or the exception's class. */
  private static CompletableFuture<Void> account(CompletableFuture<Long> call, long expected,
      Map<String, AtomicLong> outcomes) {
    return call.handle((v, e) -> {
      String outcome = e != null ? e.getClass().getSimpleName() : v == expected ? "ok" : "wrong";
      outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
      return null;
    });
  }
}
