package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.FaultProxy.Direction;
import dev.duplexrpc.server.testing.Sync;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection cut in the middle of a WebSocket frame, in either direction: both ends notice,
 * fail what was pending on it, and keep serving their other connections.
 */
class MidFrameCutTest {
  static final long WAIT_SECONDS = 10;
  static final int BIG = 200_000; // characters: a frame of about 200 KB

  /** Served by both sides. */
  public interface Store {
    @RpcMethod
    CompletableFuture<Integer> put(String value);

    @RpcMethod
    CompletableFuture<String> fetch(int size);

    @RpcMethod
    CompletableFuture<String> hang();
  }

  static final class StoreImpl implements Store {
    @Override
    public CompletableFuture<Integer> put(String value) {
      return CompletableFuture.completedFuture(value.length());
    }

    @Override
    public CompletableFuture<String> fetch(int size) {
      return CompletableFuture.completedFuture("y".repeat(size));
    }

    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }
  }

  /** Close codes of the server's connections, as they close. */
  final BlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();
  RpcServer server;
  FaultProxy proxy;
  ClientConnection cut;
  ClientConnection bystander;

  @BeforeEach
  void start() throws Exception {
    server = RpcServer.builder()
        .service(new StoreImpl())
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {}

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            serverCloses.add(code);
          }
        })
        .build()
        .start();
    proxy = FaultProxy.start(server.address());
    RpcClient client = RpcClient.builder()
        .resumableSessions(false) // the cut ends the connection; ResumeTest resumes one
        .uri(proxy.via(server.uri()))
        .service(new StoreImpl())
        .reconnectPolicy(ReconnectPolicy.none())
        .build();
    cut = client.connect();
    bystander = client.connect();
    Sync.registered(cut);
    Sync.registered(bystander);
  }

  @AfterEach
  void stop() {
    cut.close();
    bystander.close();
    proxy.close();
    server.close();
  }

  private static ConnectionClosedException closedFailure(CompletableFuture<?> call) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(ConnectionClosedException.class, e.getCause());
  }

  private void bothEndsStillServeOthers() throws Exception {
    Store viaBystander = bystander.remote(Store.class);
    assertEquals(BIG, viaBystander.put("z".repeat(BIG)).get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(BIG, viaBystander.fetch(BIG).get(WAIT_SECONDS, TimeUnit.SECONDS).length());
    ServerConnection bystanderOnServer = server.connections().iterator().next();
    assertEquals(1, server.connections().size(), "only the bystander is left on the server");
    assertEquals(3, bystanderOnServer.remote(Store.class).put("abc").get(WAIT_SECONDS, TimeUnit.SECONDS));
    // And the server takes new connections as before.
    try (ClientConnection fresh = RpcClient.builder().uri(server.uri()).build().connect()) {
      assertEquals(1, fresh.remote(Store.class).put("x").get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
  }

  @Test
  void cutInsideAnUpstreamFrame() throws Exception {
    FaultProxy.Link link = proxy.links().get(0);
    CompletableFuture<String> pending = cut.remote(Store.class).hang();
    // Let exactly half of the next big frame through, then reset the connection both ways.
    link.cutAfter(Direction.UPSTREAM, BIG / 2);
    CompletableFuture<Integer> big = cut.remote(Store.class).put("x".repeat(BIG));
    assertEquals(1006, closedFailure(big).closeCode());
    assertEquals(1006, closedFailure(pending).closeCode());
    assertTrue(link.bytesRead(Direction.UPSTREAM) > BIG / 2, "the frame was under way");
    assertEquals(1006, serverCloses.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the server noticed too");
    bothEndsStillServeOthers();
  }

  @Test
  void cutInsideADownstreamFrame() throws Exception {
    FaultProxy.Link link = proxy.links().get(0);
    link.cutAfter(Direction.DOWNSTREAM, BIG / 2);
    CompletableFuture<String> big = cut.remote(Store.class).fetch(BIG);
    assertEquals(1006, closedFailure(big).closeCode());
    assertEquals(1006, serverCloses.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the server noticed too");
    bothEndsStillServeOthers();
  }

}
