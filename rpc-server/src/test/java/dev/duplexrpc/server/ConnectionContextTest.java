package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ConnectionClosedException;
import java.io.IOException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.server.testing.Sync;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection hook and the connection context: handshake headers and query, remote
 * address, attributes, services for one connection only, refusal, {@link
 * ServerConnection#of(CallContext)}, and lookup by id.
 */
class ConnectionContextTest {

  /** Shared by every connection. */
  public interface Lobby {
    @RpcMethod
    String whoAmI();

    @RpcMethod
    String myId();
  }

  /** Registered per connection by the hook. */
  public interface Inbox {
    @RpcMethod
    String owner();
  }

  /** The lobby reads the caller's connection through its call context. */
  public static final class LobbyImpl {
    @RpcMethod
    public String whoAmI(CallContext call) {
      return (String) ServerConnection.of(call).attributes().get("user");
    }

    @RpcMethod
    public String myId() {
      return ServerConnection.current().id();
    }
  }

  final BlockingQueue<ConnectionSetup> opened = new LinkedBlockingQueue<>();
  final CompletableFuture<String> closedId = new CompletableFuture<>();
  RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server = RpcServer.builder()
        .path("/chat")
        .service(new LobbyImpl())
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            String token = setup.handshake().header("authorization");
            if (token == null || !token.startsWith("Bearer ")) {
              throw new SecurityException("missing token");
            }
            String user = token.substring("Bearer ".length());
            setup.attributes().put("user", user);
            setup.service((Inbox) () -> user);
            opened.add(setup);
          }

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            closedId.complete(connection.id());
          }
        })
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ClientConnection connect(String user, String query) throws Exception {
    return RpcClient.builder()
        .uri(server.uri() + query)
        .header("Authorization", "Bearer " + user)
        .build()
        .connect();
  }

  @Test
  void hookSeesTheHandshake() throws Exception {
    try (ClientConnection connection = connect("ada", "?room=math&room=logic&lang=en")) {
      ConnectionSetup setup = opened.poll(10, TimeUnit.SECONDS);
      Sync.registered(connection);
      assertEquals(List.of("math", "logic"), setup.handshake().queryParameters().get("room"));
      assertEquals("en", setup.handshake().queryParameter("lang"));
      assertEquals("Bearer ada", setup.handshake().header("AUTHORIZATION"));
      assertEquals("/chat", setup.handshake().requestUri().getPath());
      assertEquals("127.0.0.1", setup.handshake().remoteAddress().getAddress().getHostAddress());
      assertTrue(setup.handshake().remoteAddress().getPort() > 0);
      ServerConnection serverSide = server.connection(setup.id()).orElseThrow();
      assertEquals(setup.handshake().remoteAddress(), serverSide.handshake().remoteAddress());
      assertEquals(setup.handshake().requestHeaders(), serverSide.handshake().requestHeaders());
      assertSame(setup.handshake(), serverSide.handshake(), "one handshake value for both");
      assertEquals("ada", serverSide.attributes().get("user"));
      assertThrows(IllegalStateException.class, () -> setup.service((Inbox) () -> "late"));
    }
  }

  @Test
  void handlerReachesItsOwnConnection() throws Exception {
    try (ClientConnection ada = connect("ada", ""); ClientConnection bob = connect("bob", "")) {
      assertEquals("ada", ada.remote(Lobby.class).whoAmI());
      assertEquals("bob", bob.remote(Lobby.class).whoAmI());
      String adaId = ada.remote(Lobby.class).myId();
      assertEquals("ada", server.connection(adaId).orElseThrow().attributes().get("user"));
      assertEquals(2, server.connections().size());
    }
  }

  @Test
  void servicesFromTheHookBelongToThatConnectionOnly() throws Exception {
    try (ClientConnection ada = connect("ada", ""); ClientConnection bob = connect("bob", "")) {
      assertEquals("ada", ada.remote(Inbox.class).owner());
      assertEquals("bob", bob.remote(Inbox.class).owner());
    }
  }

  @Test
  void hookThrowingRefusesWith1008() throws Exception {
    try (JdkWebSocketClient anonymous = JdkWebSocketClient.connect(server.uri())) {
      JdkWebSocketClient.Close close = anonymous.awaitClose();
      assertEquals(1008, close.code());
      assertEquals("missing token", close.reason());
    }
    assertTrue(server.connections().isEmpty());
  }

  @Test
  void refusedClientSeesTheCloseCodeAndReason() throws Exception {
    ClientConnection refused = RpcClient.builder().uri(server.uri()).build().connect();
    ConnectionClosedException closed = refused.closeFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1008, closed.closeCode());
    assertEquals("missing token", closed.closeReason());
  }

  @Test
  void wrongPathFailsTheHandshake() {
    RpcClient client = RpcClient.builder()
        .uri(server.uri().resolve("/elsewhere"))
        .header("Authorization", "Bearer ada")
        .build();
    assertThrows(IOException.class, client::connect);
  }

  @Test
  void closedConnectionLeavesTheRegistryAndIsReported() throws Exception {
    ClientConnection ada = connect("ada", "");
    String id = ada.remote(Lobby.class).myId();
    ServerConnection serverSide = server.connection(id).orElseThrow();
    ada.close();
    assertEquals(id, closedId.get(10, TimeUnit.SECONDS));
    serverSide.closeFuture().get(10, TimeUnit.SECONDS);
    assertFalse(server.connection(id).isPresent());
    assertEquals("ada", serverSide.attributes().get("user"), "still readable after the close");
  }

  /** A client-side service that asks for its server connection, which a client does not have. */
  public static final class Confused {
    @RpcMethod
    public String where(CallContext call) {
      try {
        return ServerConnection.of(call).id();
      } catch (IllegalArgumentException e) {
        return "refused: " + e.getMessage();
      }
    }
  }

  @Test
  void ofRefusesACallThatDidNotArriveOnAServerConnection() throws Exception {
    try (ClientConnection ada = RpcClient.builder().uri(server.uri())
        .header("Authorization", "Bearer ada").service(new Confused()).build().connect()) {
      Sync.registered(ada);
      ServerConnection serverSide = server.connections().iterator().next();
      assertEquals("refused: The call to 'where' did not arrive on a server connection",
          serverSide.peer().call("where", String.class).get(10, TimeUnit.SECONDS));
    }
  }
}
