package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.HandshakeRejectedException;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.testing.Sync;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown on both sides: new connections and new calls are refused with documented
 * codes (HTTP 503, -32005), running handlers finish within the grace period, then the connection
 * closes with 1001; handlers that outlast the grace are cut off at its end.
 */
class ShutdownTest {
  static final long WAIT_SECONDS = 10;

  /** Served by both sides. */
  public interface Work {
    /** Blocks until the test releases it. */
    @RpcMethod
    CompletableFuture<String> slow();

    @RpcMethod
    CompletableFuture<String> quick();
  }

  final class WorkImpl implements Work {
    @Override
    public CompletableFuture<String> slow() {
      started.countDown();
      return release.thenApply(v -> "finished");
    }

    @Override
    public CompletableFuture<String> quick() {
      return CompletableFuture.completedFuture("quick");
    }
  }

  final CountDownLatch started = new CountDownLatch(1);
  final CompletableFuture<Void> release = new CompletableFuture<>();
  RpcServer server;
  ClientConnection client;

  @BeforeEach
  void start() throws Exception {
    server = RpcServer.builder().service(new WorkImpl()).build().start();
    client = RpcClient.builder()
        .uri(server.uri())
        .service(new WorkImpl())
        .reconnectPolicy(ReconnectPolicy.none())
        .build()
        .connect();
    Sync.registered(client);
  }

  @AfterEach
  void stop() {
    release.complete(null);
    client.close();
    server.close();
  }

  private static RpcException rpcFailure(CompletableFuture<?> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(RpcException.class, e.getCause());
  }

  @Test
  void serverShutdownLetsRunningHandlersFinishAndRefusesNewWork() throws Exception {
    Work remote = client.remote(Work.class);
    CompletableFuture<String> running = remote.slow();
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));

    CompletableFuture<Void> done = server.shutdown(Duration.ofSeconds(WAIT_SECONDS));
    assertEquals(ErrorCodes.SHUTTING_DOWN, rpcFailure(remote.quick()).code(), "new calls: -32005");
    HandshakeRejectedException refused = assertThrows(HandshakeRejectedException.class,
        () -> RpcClient.builder().uri(server.uri()).build().connect());
    assertEquals(503, refused.statusCode(), "new connections: HTTP 503");
    assertFalse(done.isDone(), "still running");

    release.complete(null);
    assertEquals("finished", running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1001, client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
    assertEquals(0, server.connections().size());
  }

  @Test
  void serverShutdownCutsOffHandlersAtTheEndOfTheGrace() throws Exception {
    CompletableFuture<String> running = client.remote(Work.class).slow();
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
    long start = System.nanoTime();
    server.shutdown(Duration.ofMillis(300)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1001, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
    assertTrue(millis >= 250, "waited for the grace: " + millis + " ms");
  }

  @Test
  void serverWithNothingRunningClosesAtOnce() throws Exception {
    server.shutdown(Duration.ofMinutes(1)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1001, client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
  }

  @Test
  void clientShutdownLetsTheServersRunningCallFinishAndStaysClosed() throws Exception {
    ServerConnection serverSide = server.connections().iterator().next();
    CompletableFuture<String> running = serverSide.remote(Work.class).slow();
    assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));

    CompletableFuture<Void> done = client.shutdown(Duration.ofSeconds(WAIT_SECONDS));
    assertEquals(ErrorCodes.SHUTTING_DOWN, rpcFailure(serverSide.remote(Work.class).quick()).code());
    release.complete(null);
    assertEquals("finished", running.get(WAIT_SECONDS, TimeUnit.SECONDS));
    done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(ConnectionState.CLOSED, client.state());
    assertEquals(1001, client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
    assertEquals(1001, serverSide.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
  }
}
