package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.server.testing.Sync;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing a connection, from either side, fails the calls pending on both sides at once with
 * {@link ConnectionClosedException}, long before their (one-minute) timeout.
 */
class CloseTest {
  /** Far longer than any wait below: a failure seen within it is not a timeout. */
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);
  static final long WAIT_SECONDS = 5;

  /** A method that never answers. */
  public interface Hang {
    @RpcMethod
    CompletableFuture<String> hang();
  }

  static final Hang NEVER = CompletableFuture::new;

  RpcServer server;
  ClientConnection client;
  final CompletableFuture<Integer> clientListenerCode = new CompletableFuture<>();
  final CompletableFuture<Integer> serverListenerCode = new CompletableFuture<>();

  @BeforeEach
  void connect() throws Exception {
    server = RpcServer.builder()
        .service(NEVER)
        .callTimeout(CALL_TIMEOUT)
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {}

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            serverListenerCode.complete(code);
          }
        })
        .build()
        .start();
    client = RpcClient.builder()
        .uri(server.uri())
        .service(NEVER)
        .callTimeout(CALL_TIMEOUT)
        .reconnectPolicy(ReconnectPolicy.none()) // closes are final here; rpc-client's ReconnectTest covers the rest
        .listener(new ClientConnection.Listener() {
          @Override
          public void onClose(ClientConnection connection, int code, String reason) {
            clientListenerCode.complete(code);
          }
        })
        .build()
        .connect();
    Sync.registered(client);
  }

  @AfterEach
  void closeAll() {
    client.close();
    server.close();
  }

  private static ConnectionClosedException failure(CompletableFuture<?> call) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(ConnectionClosedException.class, e.getCause());
  }

  private ServerConnection serverSide() {
    return server.connections().iterator().next();
  }

  @Test
  void aClosedConnectionIsNoLongerListedWhenItsCloseFutureCompletes() throws Exception {
    // Asked on the thread that completes the close future, right as it completes: the endpoint
    // used to forget a session's connection only after (ConcurrencyTest once saw one still listed).
    ServerConnection connection = serverSide();
    String id = connection.id();
    CompletableFuture<Boolean> listedWhenClosed =
        connection.closeFuture().thenApply(ex -> server.connection(id).isPresent());
    client.close();
    assertFalse(listedWhenClosed.get(WAIT_SECONDS, TimeUnit.SECONDS),
        "still listed when its close future completed");
  }

  @Test
  void clientCloseFailsPendingCallsOnBothSides() throws Exception {
    ServerConnection connection = serverSide();
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    CompletableFuture<String> fromServer = connection.remote(Hang.class).hang();
    client.close();
    assertEquals(1000, failure(fromClient).closeCode());
    assertEquals(1000, failure(fromServer).closeCode());
    assertEquals(1000, clientListenerCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1000, serverListenerCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, server.connections().size());
  }

  @Test
  void serverClosingOneConnectionFailsPendingCallsOnBothSides() throws Exception {
    ServerConnection connection = serverSide();
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    CompletableFuture<String> fromServer = connection.remote(Hang.class).hang();
    connection.close(4000, "kicked");
    ConnectionClosedException seenByClient = failure(fromClient);
    assertEquals(4000, seenByClient.closeCode());
    assertEquals("kicked", seenByClient.closeReason());
    assertEquals(4000, failure(fromServer).closeCode());
    assertFalse(client.isOpen());
  }

  @Test
  void serverCloseSendsGoingAwayAndFailsPendingCallsOnBothSides() throws Exception {
    ServerConnection connection = serverSide();
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    CompletableFuture<String> fromServer = connection.remote(Hang.class).hang();
    server.close();
    assertEquals(1001, failure(fromClient).closeCode());
    assertEquals(1001, failure(fromServer).closeCode());
    assertEquals(1001, client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
    assertEquals(1001, clientListenerCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void callsAfterCloseFailAtOnce() {
    client.close();
    CompletableFuture<String> call = client.remote(Hang.class).hang();
    assertTrue(call.isCompletedExceptionally(), "failed before returning");
    assertEquals(1000, failure(call).closeCode());
  }

  @Test
  void lostSocketFailsTheServersPendingCalls() throws Exception {
    try (JdkWebSocketClient raw = JdkWebSocketClient.connect(server.uri().resolve("/?who=raw"))) {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"test.sync\"}");
      assertTrue(raw.next().contains("-32601"), "answered, so registered");
      ServerConnection rawSide = server.connections().stream()
          .filter(c -> "raw".equals(c.handshake().queryParameter("who")))
          .findFirst()
          .orElseThrow();
      CompletableFuture<String> pending = rawSide.remote(Hang.class).hang();
      assertTrue(raw.next().contains("\"method\":\"hang\""), "the request reached the raw client");
      raw.close(); // abort: no close frame, the TCP connection just ends
      assertEquals(1006, failure(pending).closeCode());
      assertTrue(client.isOpen(), "the other connection is unaffected");
    }
  }
}
