package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.Transport;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A {@link TransportHandler} gets each connection's messages unparsed and answers with any text. */
class TransportHandlerTest {
  static final long WAIT_SECONDS = 10;

  /** A service, to show it cannot be combined with a transport handler. */
  public interface Echo {
    @RpcMethod
    String echo(String s);
  }

  final BlockingQueue<String> received = new ArrayBlockingQueue<>(16);
  final CompletableFuture<Transport> opened = new CompletableFuture<>();
  final CompletableFuture<Integer> closedCode = new CompletableFuture<>();
  RpcServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void start(int maxMessageSize) throws Exception {
    server = RpcServer.builder()
        .maxMessageSize(maxMessageSize)
        .transportHandler((id, handshake, transport) -> {
          assertNotNull(handshake.requestUri());
          opened.complete(transport);
          transport.start(new Transport.Listener() {
            @Override
            public void onMessage(String message) {
              received.add(message);
              transport.send("seen " + message);
            }

            @Override
            public void onClose(int code, String reason) {
              closedCode.complete(code);
            }
          });
        })
        .build()
        .start();
  }

  @Test
  void messagesPassThroughUnparsedBothWays() throws Exception {
    start(1 << 20);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      ws.send("{not json");
      assertEquals("{not json", received.poll(WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("seen {not json", ws.next());
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}");
      assertEquals("seen {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}", ws.next());
    }
    assertEquals(1006, closedCode.get(WAIT_SECONDS, TimeUnit.SECONDS)); // the test client aborts
  }

  @Test
  void handlerClosingReachesTheClientWithItsCode() throws Exception {
    start(1 << 20);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      opened.get(WAIT_SECONDS, TimeUnit.SECONDS).close(4000, "process exited");
      JdkWebSocketClient.Close close = ws.awaitClose();
      assertEquals(4000, close.code());
      assertEquals("process exited", close.reason());
    }
    assertEquals(4000, closedCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void messageOverTheLimitClosesWith1009() throws Exception {
    start(256);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      ws.send("x".repeat(257));
      assertEquals(1009, ws.awaitClose().code());
    }
    assertEquals(1009, closedCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertTrue(received.isEmpty());
  }

  @Test
  void serverCloseClosesHandledConnectionsWith1001() throws Exception {
    start(1 << 20);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      opened.get(WAIT_SECONDS, TimeUnit.SECONDS);
      server.close();
      assertEquals(1001, ws.awaitClose().code());
    }
    assertEquals(1001, closedCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void transportHandlerWithServicesIsRefused() {
    RpcServer.Builder b = RpcServer.builder()
        .service((Echo) s -> s)
        .transportHandler((id, handshake, transport) -> {});
    assertThrows(IllegalStateException.class, b::build);
  }
}
