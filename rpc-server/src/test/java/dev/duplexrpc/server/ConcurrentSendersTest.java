package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads sending on one connection at once (the send path hands messages through a
 * per-connection outbox): every message arrives, each sender's messages in the order it sent
 * them, and every send's future completes.
 */
class ConcurrentSendersTest {
  /** What the client serves. */
  public interface Sink {
    @RpcNotification
    void seq(int sender, int n);
  }

  /** The server needs some service. */
  public interface Nothing {
    @RpcMethod
    int zero();
  }

  @Test
  void concurrentSendersKeepTheirOwnOrderAndLoseNothing() throws Exception {
    int senders = 8;
    int each = 500;
    Map<Integer, List<Integer>> received = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(senders * each);
    Sink sink = (sender, n) -> {
      received.computeIfAbsent(sender, k -> new ArrayList<>()).add(n); // notifications run one at a time
      all.countDown();
    };
    try (RpcServer server = RpcServer.builder().service((Nothing) () -> 0).build().start()) {
      ClientConnection client = RpcClient.builder().uri(server.uri()).service(sink).build().connect();
      try {
        assertEquals(0, client.remote(Nothing.class).zero()); // the server has registered the connection
        ServerConnection connection = server.connections().iterator().next();
        CyclicBarrier start = new CyclicBarrier(senders);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int s = 0; s < senders; s++) {
          int sender = s;
          Thread t = new Thread(() -> {
            try {
              start.await(10, TimeUnit.SECONDS);
              List<java.util.concurrent.CompletableFuture<Void>> sent = new ArrayList<>();
              for (int n = 0; n < each; n++) {
                sent.add(connection.peer().notify("seq", sender, n));
              }
              for (java.util.concurrent.CompletableFuture<Void> f : sent) {
                f.get(10, TimeUnit.SECONDS);
              }
            } catch (Exception e) {
              failures.add(e);
            }
          });
          threads.add(t);
          t.start();
        }
        for (Thread t : threads) {
          t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(List.of(), failures);
        assertTrue(all.await(30, TimeUnit.SECONDS), all.getCount() + " notifications missing");
        for (int s = 0; s < senders; s++) {
          List<Integer> got = received.get(s);
          List<Integer> expected = new ArrayList<>();
          for (int n = 0; n < each; n++) {
            expected.add(n);
          }
          assertEquals(expected, got, "sender " + s);
        }
      } finally {
        client.close();
      }
    }
  }
}
