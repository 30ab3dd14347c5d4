package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.time.Duration;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RpcEndpoint#config()} deployed into a Tyrus server container started directly (Tyrus's
 * stock Grizzly container, found through {@link ServerContainerFactory}), not through {@link
 * RpcServer}: the same wire, both call directions, handshake capture and registry.
 *
 * <p>Tyrus's stock container binds the wildcard address (which is why {@code RpcServer} does not
 * use it); every connection here still goes to 127.0.0.1.
 */
class ContainerDeploymentTest {
  static final int LIMIT = 1024;

  /** The server's service. */
  public interface Greeter {
    @RpcMethod
    String greet(String name);

    @RpcMethod
    CompletableFuture<String> hang();
  }

  /** The client's service. */
  public interface Nickname {
    @RpcMethod
    String nickname();
  }

  /** Greets by calling the client back for its nickname. */
  public static final class GreeterImpl {
    @RpcMethod
    public String greet(String name, CallContext call) {
      ServerConnection connection = ServerConnection.of(call);
      return "Hello, " + name + " (" + call.peer().remote(Nickname.class).nickname() + ") via "
          + connection.handshake().header("X-Via");
    }

    @RpcMethod
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }
  }

  RpcEndpoint endpoint;
  ServerContainer container;
  URI uri;

  @BeforeEach
  void deploy() throws Exception {
    endpoint = RpcServer.builder()
        .path("/rpc")
        .maxMessageSize(LIMIT)
        .service(new GreeterImpl())
        .buildEndpoint();
    // What a container's own configuration would say: the frame buffer sized from the limit.
    container = ServerContainerFactory.createServerContainer(
        Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 3 * LIMIT + 14));
    container.addEndpoint(endpoint.config());
    container.start("/app", 0); // 0: an ephemeral port
    uri = URI.create("ws://127.0.0.1:" + ((TyrusServerContainer) container).getPort() + "/app/rpc");
  }

  @AfterEach
  void undeploy() {
    endpoint.close();
    container.stop();
  }

  @Test
  void bothDirectionsWorkInAForeignContainer() throws Exception {
    try (ClientConnection connection = RpcClient.builder()
        .uri(uri)
        .header("X-Via", "container")
        .service((Nickname) () -> "Ada")
        .build()
        .connect()) {
      assertEquals("Hello, Ada Lovelace (Ada) via container",
          connection.remote(Greeter.class).greet("Ada Lovelace"));
      ServerConnection serverSide = endpoint.connections().iterator().next();
      assertEquals(serverSide, endpoint.connection(serverSide.id()).orElseThrow());
      assertEquals("Ada", serverSide.remote(Nickname.class).nickname());
      assertNotNull(serverSide.handshake().remoteAddress());
      assertEquals("/app/rpc", serverSide.handshake().requestUri().getPath());
    }
  }

  @Test
  void wireIsTheSameForAnIndependentClient() throws Exception {
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
      client.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
          client.next());
      client.sendBinary(new byte[] {0});
      assertEquals(1003, client.awaitClose().code());
    }
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
      client.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"greet\",\"params\":[\"" + "x".repeat(LIMIT) + "\"]}");
      assertEquals(1009, client.awaitClose().code());
    }
  }

  @Test
  void endpointCloseSendsGoingAwayAndFailsPendingCalls() throws Exception {
    ClientConnection connection = RpcClient.builder().uri(uri).build().connect();
    CompletableFuture<String> pending = connection.remote(Greeter.class).hang();
    endpoint.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
    assertEquals(1001, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
  }

  /** A request the server answers at once: once answered, the server's onOpen has run. */
  static final String UNKNOWN_METHOD = "{\"jsonrpc\":\"2.0\",\"method\":\"foobar\",\"id\":1}";

  @Test
  void awaitSessionsClosedReturnsOnceTheClientAnsweredTheClose() throws Exception {
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(uri)) {
      client.send(UNKNOWN_METHOD);
      client.next();
      endpoint.close();
      // The JDK client answers the close frame: the closing handshake ends well within the bound.
      assertTrue(endpoint.awaitSessionsClosed(Duration.ofSeconds(JdkWebSocketClient.WAIT_SECONDS)));
      assertEquals(1001, client.awaitClose().code());
    }
  }
}
