package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.DirectExecution;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.Heap;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.testing.RawWebSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Memory bounds over real sockets: a client that stops reading cannot make the server's heap
 * grow past the send-queue limit (the connection is dropped, with a reason), and a flood of
 * requests past the in-flight limit gets -32000 Overloaded while the heap stays flat. Heap
 * figures are measured after full collections and printed.
 */
class BackpressureTest {
  static final long WAIT_SECONDS = 20;
  static final int CHUNK = 64 * 1024;
  static final long LIMIT = 1L << 20;

  /** The server's service for the flood. */
  public static final class Blocking {
    final CountDownLatch release = new CountDownLatch(1);

    @RpcMethod("block")
    public String block() throws InterruptedException {
      release.await(WAIT_SECONDS, TimeUnit.SECONDS);
      return "released";
    }
  }

  /** Answers on the reading thread (direct mode), where its replies are gathered. */
  public static final class Pages {
    @DirectExecution
    @RpcMethod("page")
    public String page() {
      return "x".repeat(8000);
    }

    @RpcMethod("sync")
    public String sync() {
      return "ok";
    }
  }

  RpcServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A connected client that answered one call and then never reads again. */
  private RawWebSocket stalledClient() throws Exception {
    RawWebSocket raw = RawWebSocket.connect(server.uri(), 4096, (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    raw.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sync\"}");
    assertTrue(raw.readFrame().text().contains("-32601"), "registered");
    return raw;
  }

  /** Pushes 64 KiB notifications until the connection closes or {@code maxBytes} were pushed. */
  private static long push(ServerConnection c, long maxBytes) {
    String payload = "x".repeat(CHUNK);
    long pushed = 0;
    while (pushed < maxBytes) {
      try {
        c.peer().notify("tick", payload);
      } catch (ConnectionClosedException e) {
        break;
      }
      pushed += CHUNK;
    }
    return pushed;
  }

  @Test
  void slowReaderIsDroppedAtTheSendQueueLimitAndTheHeapStaysFlat() throws Exception {
    server = RpcServer.builder().service(new Blocking()).maxQueuedBytes(LIMIT).build().start();
    try (RawWebSocket raw = stalledClient()) {
      ServerConnection c = server.connections().iterator().next();
      long before = Heap.usedAfterGc();
      long pushed = push(c, 256L << 20); // would be 256 MiB without the limit
      ConnectionClosedException end = c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      long after = Heap.usedAfterGc();
      assertEquals(1001, end.closeCode());
      assertTrue(end.closeReason().contains("send queue over 1048576 bytes"), end.closeReason());
      assertTrue(pushed < 64L << 20, "dropped long before 256 MiB: " + Heap.mib(pushed));
      assertTrue(after - before < 16L << 20,
          "heap after GC grew by " + Heap.mib(after - before));
      assertTrue(raw.drainUntilClosed(256L << 20), "the socket was dropped");
      System.out.printf("slow reader: dropped after %s pushed (limit %s, the rest in socket buffers);"
              + " heap after GC %s before, %s after%n",
          Heap.mib(pushed), Heap.mib(LIMIT), Heap.mib(before), Heap.mib(after));
    }
  }

  @Test
  void directModeRepliesToAReaderThatStoppedAreBoundedByTheSendQueueLimitToo() throws Exception {
    // Replies written on the reading thread are gathered and count as sent at once; once a
    // gathered write does not complete (the socket is full), they pass straight through again
    // and the send queue's limit drops the connection as in the default mode.
    server = RpcServer.builder().service(new Pages()).maxQueuedBytes(LIMIT).build().start();
    try (RawWebSocket raw = RawWebSocket.connect(server.uri(), 4096, (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS))) {
      raw.sendText("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"sync\"}");
      assertTrue(raw.readFrame().text().contains("\"ok\""), "registered");
      ServerConnection c = server.connections().iterator().next();
      long before = Heap.usedAfterGc();
      int sent = 0;
      try {
        for (; sent < 20_000; sent++) { // 156 MiB of replies without the limit
          raw.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + (sent + 1) + ",\"method\":\"page\"}");
        }
      } catch (java.io.IOException dropped) {
        // the server dropped the connection meanwhile
      }
      ConnectionClosedException end = c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      long after = Heap.usedAfterGc();
      assertEquals(1001, end.closeCode());
      assertTrue(end.closeReason().contains("send queue over 1048576 bytes"), end.closeReason());
      assertTrue(after - before < 16L << 20, "heap after GC grew by " + Heap.mib(after - before));
      System.out.printf("direct-mode slow reader: dropped after %d requests; heap after GC %s before,"
          + " %s after%n", sent, Heap.mib(before), Heap.mib(after));
    }
  }

  @Test
  void withoutTheLimitTheSameSlowReaderHoldsEverythingInTheHeap() throws Exception {
    // The control for the test above: it shows the heap measurement sees a growing send queue.
    server = RpcServer.builder().service(new Blocking()).maxQueuedBytes(0).build().start();
    try (RawWebSocket raw = stalledClient()) {
      ServerConnection c = server.connections().iterator().next();
      long before = Heap.usedAfterGc();
      long pushed = push(c, 64L << 20);
      long during = Heap.usedAfterGc();
      c.close(); // frees the queue
      assertEquals(64L << 20, pushed, "nothing stopped the pushing");
      assertTrue(during - before > 32L << 20, "the queue held the pushed bytes: " + Heap.mib(during - before));
      System.out.printf("slow reader without a limit: %s pushed, heap after GC grew by %s%n",
          Heap.mib(pushed), Heap.mib(during - before));
    }
  }

  @Test
  void floodOfRequestsPastTheInFlightLimitGetsOverloadedAndTheHeapStaysFlat() throws Exception {
    Blocking service = new Blocking();
    int limit = 8;
    int flood = 50_000;
    server = RpcServer.builder().service(service).maxInFlight(limit).build().start();
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      long before = Heap.usedAfterGc();
      long start = System.nanoTime();
      for (int i = 0; i < flood; i++) {
        client.send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"block\"}");
      }
      int overloaded = 0;
      for (int i = 0; i < flood - limit; i++) {
        String reply;
        try {
          reply = client.next();
        } catch (AssertionError e) {
          throw new AssertionError("after " + overloaded + " answers (connection "
              + (client.isClosed() ? "closed: " + client.awaitClose() : "open") + ")", e);
        }
        assertTrue(reply.contains("\"code\":-32000"), reply);
        overloaded++;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long during = Heap.usedAfterGc();
      assertEquals(0, client.pending(), "the first " + limit + " are still running");
      service.release.countDown();
      for (int i = 0; i < limit; i++) {
        assertTrue(client.next().contains("\"result\":\"released\""));
      }
      assertEquals(flood - limit, overloaded);
      assertTrue(during - before < 16L << 20, "heap after GC grew by " + Heap.mib(during - before));
      System.out.printf("flood: %d requests in %d ms, %d answered -32000 at once, %d ran;"
              + " heap after GC %s before, %s with the %d still running%n",
          flood, millis, overloaded, limit, Heap.mib(before), Heap.mib(during), limit);
    }
  }

}
