package dev.duplexrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generator's measured windows against a server whose every reply takes a second: the smoke
 * run's stretched window still counts replies, where a plain short window counts none (as happened
 * to the smoke run on a machine so overloaded that a whole window passed without a reply).
 */
@Timeout(60)
class LoadGeneratorTest {
  /** Answers every {@code subtract} after a second. */
  public interface SlowService {
    @RpcMethod("subtract")
    CompletableFuture<Integer> subtract(int minuend, int subtrahend);
  }

  private static final LoadGenerator.Server NO_PROBE = new LoadGenerator.Server() {
    @Override
    public long cpuNanos() {
      return 0;
    }

    @Override
    public long runQueueWaitNanos() {
      return 0;
    }
  };

  private RpcServer server;
  private URI uri;

  @BeforeEach
  void startServer() throws Exception {
    SlowService slow = (a, b) -> CompletableFuture.supplyAsync(() -> a - b,
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
    server = RpcServer.builder().host("127.0.0.1").port(0).path("/").service(slow).build().start();
    uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void stretchedWindowWaitsForTheFirstReply() throws Exception {
    try (LoadGenerator gen = new LoadGenerator(1, true)) {
      Measurement m = gen.calls(uri, 1, 4, 0, Duration.ZERO, Duration.ofMillis(100), NO_PROBE);
      assertTrue(m.calls() > 0, "calls " + m.calls());
      assertTrue(m.seconds() >= 0.9, "window " + m.seconds() + " s");
      assertEquals(0, m.errors());
    }
  }

  @Test
  void plainWindowEndsOnTimeWithoutReplies() throws Exception {
    try (LoadGenerator gen = new LoadGenerator(1, false)) {
      Measurement m = gen.calls(uri, 1, 4, 0, Duration.ZERO, Duration.ofMillis(100), NO_PROBE);
      assertEquals(0, m.calls());
      assertTrue(m.seconds() < 0.9, "window " + m.seconds() + " s");
    }
  }
}
