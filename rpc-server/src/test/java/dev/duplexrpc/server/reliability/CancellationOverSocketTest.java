package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.RpcTimeoutException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cancellation over a real socket: cancelling a call's future, or its timeout, reaches the
 * server's handler (its thread is interrupted, or the future it returned is cancelled), and a
 * raw peer sending {@code rpc.cancel} gets the documented -32004 answer.
 */
class CancellationOverSocketTest {
  static final long WAIT_SECONDS = 10;

  /** The server's service. */
  public interface Slow {
    /** Blocks until interrupted. */
    @RpcMethod
    CompletableFuture<String> block();

    /** Returns a future that never completes by itself. */
    @RpcMethod
    CompletableFuture<String> pending();

    /** Blocks until interrupted; the caller waits at most 200 ms. */
    @RpcMethod(timeoutMillis = 200)
    String blockBriefly();
  }

  /** Wire names of {@link Slow}; block and blockBriefly are synchronous on this side. */
  public final class SlowImpl {
    @RpcMethod("block")
    public String block() {
      return waitForInterrupt();
    }

    @RpcMethod("blockBriefly")
    public String blockBriefly() {
      return waitForInterrupt();
    }

    @RpcMethod("pending")
    public CompletableFuture<String> pending() {
      CompletableFuture<String> f = new CompletableFuture<>();
      f.whenComplete((v, e) -> events.add(f.isCancelled() ? "future cancelled" : "future completed"));
      started.countDown();
      return f;
    }

    private String waitForInterrupt() {
      started.countDown();
      try {
        new CountDownLatch(1).await(WAIT_SECONDS, TimeUnit.SECONDS);
        events.add("not interrupted");
        return "done";
      } catch (InterruptedException e) {
        events.add("interrupted");
        return "interrupted";
      }
    }
  }

  final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  volatile CountDownLatch started = new CountDownLatch(1);
  RpcServer server;
  ClientConnection client;

  @BeforeEach
  void start() throws Exception {
    server = RpcServer.builder().service(new SlowImpl()).build().start();
    client = RpcClient.builder().uri(server.uri()).build().connect();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private String nextEvent() throws InterruptedException {
    String e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("the handler saw nothing within " + WAIT_SECONDS + " s");
    }
    return e;
  }

  @Test
  void cancellingTheFutureInterruptsTheHandlersThread() throws Exception {
    CompletableFuture<String> call = client.remote(Slow.class).block();
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(call.cancel(true));
    assertEquals("interrupted", nextEvent());
  }

  @Test
  void cancellingTheFutureCancelsTheFutureTheHandlerReturned() throws Exception {
    CompletableFuture<String> call = client.remote(Slow.class).pending();
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
    call.cancel(true);
    assertEquals("future cancelled", nextEvent());
    assertThrows(CancellationException.class, call::join);
  }

  @Test
  void aCallTimeoutCancelsTheHandlerToo() throws Exception {
    RpcTimeoutException e = assertThrows(RpcTimeoutException.class, () -> client.remote(Slow.class).blockBriefly());
    assertEquals(-32001, e.code());
    assertEquals("interrupted", nextEvent());
  }

  @Test
  void rawPeerSendingRpcCancelGetsMinus32004() throws Exception {
    for (String cancel : new String[] {"rpc.cancel", "$/cancelRequest"}) {
      started = new CountDownLatch(1);
      try (JdkWebSocketClient raw = JdkWebSocketClient.connect(server.uri())) {
        raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"c-1\",\"method\":\"block\"}");
        assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
        raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"" + cancel + "\",\"params\":{\"id\":\"c-1\"}}");
        String reply = raw.next();
        assertTrue(reply.startsWith("{\"jsonrpc\":\"2.0\",\"id\":\"c-1\",\"error\":{\"code\":-32004"), reply);
        assertEquals("interrupted", nextEvent());
      }
    }
  }

  @Test
  void aClientBuiltWithoutSendCancelCancelsLocallyOnly() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    RpcServer quiet = RpcServer.builder().service(new SlowImpl())
        .frameListener((id, text, outgoing) -> {
          if (!outgoing) {
            received.add(text);
          }
        })
        .build().start();
    try (ClientConnection local = RpcClient.builder().uri(quiet.uri()).sendCancel(false)
        .wireExtensions(false) // the server's frames are then exactly the calls
        .build().connect()) {
      CompletableFuture<String> call = local.remote(Slow.class).pending();
      assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
      assertTrue(call.cancel(true));
      // A later call's frame reaches the server after any rpc.cancel the client could have sent.
      started = new CountDownLatch(1);
      CompletableFuture<String> second = local.remote(Slow.class).pending();
      assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
      second.cancel(true);
      String first = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      String next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertTrue(first != null && first.contains("\"method\":\"pending\""), first);
      assertTrue(next != null && next.contains("\"method\":\"pending\""), "no rpc.cancel between the calls: " + next);
      assertTrue(events.isEmpty(), "the first handler's future was not cancelled: " + events);
    } finally {
      quiet.close();
    }
  }
}
