package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.testing.Sync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Load on real sockets, bounded in count and time: 1,000 calls in each direction at once on one
 * connection, and 50 clients at once, each calling and being called. Every result is checked
 * against its request.
 */
class ConcurrencyTest {
  static final int CALLS = 1000;
  static final int CLIENTS = 50;
  static final long TIMEOUT_SECONDS = 60;

  /** Served by both sides. */
  public interface Worker {
    @RpcMethod
    CompletableFuture<String> work(String side, int n);

    @RpcMethod
    String name();
  }

  /** Answers with its own name, the request and a value computed from it, asynchronously. */
  static Worker worker(String self) {
    return new Worker() {
      @Override
      public CompletableFuture<String> work(String side, int n) {
        // Completes a few milliseconds later, out of order, so the calls really overlap.
        return CompletableFuture.supplyAsync(() -> expected(self, side, n),
            CompletableFuture.delayedExecutor(n % 7, TimeUnit.MILLISECONDS));
      }

      @Override
      public String name() {
        return self;
      }
    };
  }

  private static String expected(String self, String side, int n) {
    return self + " did " + side + "#" + n + "=" + (n * 31 + 7);
  }

  @Test
  void thousandConcurrentCallsEachWayOnOneConnection() throws Exception {
    try (RpcServer server = RpcServer.builder().service(worker("server")).build().start();
        ClientConnection connection =
            RpcClient.builder().uri(server.uri()).service(worker("client")).build().connect()) {
      Sync.registered(connection);
      Worker toServer = connection.remote(Worker.class);
      Worker toClient = server.connections().iterator().next().remote(Worker.class);
      List<CompletableFuture<String>> up = new ArrayList<>();
      List<CompletableFuture<String>> down = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) { // interleaved, so both directions are in flight together
        up.add(toServer.work("up", i));
        down.add(toClient.work("down", i));
      }
      CompletableFuture.allOf(up.toArray(new CompletableFuture<?>[0]))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      CompletableFuture.allOf(down.toArray(new CompletableFuture<?>[0]))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (int i = 0; i < CALLS; i++) {
        assertEquals(expected("server", "up", i), up.get(i).join());
        assertEquals(expected("client", "down", i), down.get(i).join());
      }
      assertEquals(0, connection.peer().pendingCalls());
    }
  }

  @Test
  void fiftyClientsAtOnceEachCallingAndBeingCalled() throws Exception {
    ConcurrentHashMap<String, String> nameById = new ConcurrentHashMap<>();
    try (RpcServer server = RpcServer.builder()
        .service(worker("server"))
        .connectionListener(setup -> nameById.put(setup.id(), setup.handshake().queryParameter("name")))
        .build()
        .start()) {
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        CountDownLatch allConnected = new CountDownLatch(CLIENTS);
        List<Future<ClientConnection>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String name = "client" + c;
          clients.add(pool.submit(() -> {
            ClientConnection connection = RpcClient.builder()
                .uri(server.uri() + "?name=" + name)
                .service(worker(name))
                .build()
                .connect();
            Sync.registered(connection);
            allConnected.countDown();
            allConnected.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Worker toServer = connection.remote(Worker.class);
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
              calls.add(toServer.work(name, i));
            }
            for (int i = 0; i < 20; i++) {
              assertEquals(expected("server", name, i), calls.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return connection;
          }));
        }
        // Meanwhile the server calls every client, each identified by its handshake.
        assertEquals(true, allConnected.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(CLIENTS, server.connections().size());
        List<CompletableFuture<String>> callbacks = new ArrayList<>();
        List<String> expectedNames = new ArrayList<>();
        for (ServerConnection sc : server.connections()) {
          String name = nameById.get(sc.id());
          expectedNames.add(name);
          callbacks.add(sc.remote(Worker.class).work("server-to-" + name, 1));
        }
        for (int i = 0; i < callbacks.size(); i++) {
          String name = expectedNames.get(i);
          assertEquals(expected(name, "server-to-" + name, 1),
              callbacks.get(i).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        List<ServerConnection> serverSides = new ArrayList<>(server.connections());
        for (Future<ClientConnection> f : clients) {
          f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).close();
        }
        for (ServerConnection sc : serverSides) {
          assertEquals(1000, sc.closeFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).closeCode());
        }
        assertEquals(0, server.connections().size());
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
