package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Handlers on the executor (the default mode), over a real socket: the replies of requests that
 * one drainer runs one after the other may leave in one write, but never wait for a slow handler.
 * A raw client writes 100 requests in one TCP write, the 10th of which blocks until every other
 * reply has arrived; a ping in the middle gets its pong. And a reply held to leave with the next
 * ones is written even when no executor thread is free for the drainer that would write it.
 */
class DrainedRepliesTest {
  /** The methods the test calls. */
  public interface Work {
    /**
     * Doubles a number.
     *
     * @param n a number
     * @return {@code 2 * n}
     */
    @RpcMethod
    int twice(int n);

    /**
     * Waits until the test releases it.
     *
     * @return "released"
     */
    @RpcMethod
    String hold();
  }

  @Test
  void repliesOfABurstDoNotWaitForASlowHandler() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    Work impl = new Work() {
      @Override
      public int twice(int n) {
        return 2 * n;
      }

      @Override
      public String hold() {
        try {
          assertTrue(release.await(10, TimeUnit.SECONDS), "never released");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        returned.set(true);
        return "released";
      }
    };
    try (RpcServer server = RpcServer.builder().service(impl).build().start();
        RawWebSocket ws = RawWebSocket.connect(URI.create(server.uri().toString()), 0, 10_000)) {
      for (int round = 0; round < 5; round++) {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
          if (i == 50) {
            burst.writeBytes(RawWebSocket.frame(0x9, "p".getBytes(StandardCharsets.UTF_8), true, true));
          }
          String request = round == 0 && i == 9
              ? "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"hold\"}"
              : "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"twice\",\"params\":[" + i + "]}";
          burst.writeBytes(RawWebSocket.frame(0x1, request.getBytes(StandardCharsets.UTF_8), true, true));
        }
        ws.write(burst.toByteArray());
        Set<String> replies = new HashSet<>();
        Set<String> expected = new HashSet<>();
        int frames = round == 0 ? 99 : 100; // in round 0, all but the held one
        boolean pong = false;
        while (replies.size() < frames) {
          RawWebSocket.Frame f = ws.readFrame();
          if (f.opcode() == 0xA) {
            assertEquals("p", f.text());
            pong = true;
          } else {
            assertEquals(0x1, f.opcode());
            replies.add(f.text());
          }
        }
        for (int i = 0; i < 100; i++) {
          if (round != 0 || i != 9) {
            expected.add("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":" + 2 * i + "}");
          }
        }
        assertEquals(expected, replies, "round " + round);
        if (round == 0) {
          assertFalse(returned.get(), "every other reply arrived while the slow handler ran");
          release.countDown();
          RawWebSocket.Frame held = ws.readFrame();
          if (!pong && held.opcode() == 0xA) {
            pong = true;
            held = ws.readFrame();
          }
          assertEquals("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":\"released\"}", held.text());
        }
        if (!pong) {
          RawWebSocket.Frame f = ws.readFrame();
          assertEquals(0xA, f.opcode(), "round " + round + ": the pong");
        }
      }
    }
  }

  @Test
  void aHeldReplyIsWrittenWhenNoExecutorThreadIsFree() throws Exception {
    // One executor thread: the drainer that would write the first reply cannot start while the
    // second handler holds the thread, and that handler waits until the client has the first reply.
    CountDownLatch release = new CountDownLatch(1);
    Work impl = new Work() {
      @Override
      public int twice(int n) {
        return 2 * n;
      }

      @Override
      public String hold() {
        try {
          release.await(30, TimeUnit.SECONDS); // longer than the client's read timeout
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return "released";
      }
    };
    ExecutorService one = Executors.newSingleThreadExecutor();
    try (RpcServer server = RpcServer.builder().executor(one).service(impl).build().start();
        RawWebSocket ws = RawWebSocket.connect(URI.create(server.uri().toString()), 0, 10_000)) {
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      for (String request : new String[] {
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"twice\",\"params\":[1]}",
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"hold\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"twice\",\"params\":[3]}"}) {
        burst.writeBytes(RawWebSocket.frame(0x1, request.getBytes(StandardCharsets.UTF_8), true, true));
      }
      ws.write(burst.toByteArray());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":2}", ws.readFrame().text());
      release.countDown();
      Set<String> rest = new HashSet<>(Set.of(ws.readFrame().text(), ws.readFrame().text()));
      assertEquals(Set.of("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"released\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":6}"), rest);
    } finally {
      release.countDown();
      one.shutdownNow();
    }
  }
}
