package dev.duplexrpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Shop;
import dev.duplexrpc.spring.boot.client.ClientApp;
import dev.duplexrpc.spring.boot.internal.ClientHealthIndicator;
import dev.duplexrpc.spring.boot.server.ServerApp;
import dev.duplexrpc.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Contexts started and stopped by the test: a client application whose proxy beans call a server
 * application, and a server application closing with a call in progress.
 */
class ClientContextTest {
  static ConfigurableApplicationContext server(String... properties) {
    return new SpringApplicationBuilder(ServerApp.class)
        .properties("server.port=0", "server.address=127.0.0.1")
        .properties(properties)
        .run();
  }

  static URI rpc(ConfigurableApplicationContext server) {
    int port = ((WebServerApplicationContext) server).getWebServer().getPort();
    return URI.create("ws://127.0.0.1:" + port + "/rpc");
  }

  @Test
  void proxyBeansOfAnotherContextCallTheServerAndAnswerItsCallBacks() throws Exception {
    try (ConfigurableApplicationContext server = server("duplex.rpc.server.events=priceChanged")) {
      RpcEndpoint endpoint = server.getBean(RpcEndpoint.class);
      ServerConnection seen;
      try (ConfigurableApplicationContext client = new SpringApplicationBuilder(ClientApp.class)
          .web(WebApplicationType.NONE)
          .properties("duplex.rpc.client.shop.uri=" + rpc(server),
              "duplex.rpc.client.shop.headers.Authorization=" + ServerTest.BASIC)
          .run()) {
        assertEquals("Hello, carol (alice)", client.getBean(ClientApp.ShopGreeter.class).greet("carol"));
        assertEquals("pen paid 250", client.getBean(ClientApp.ShopOrders.class).order("pen"));
        assertEquals(Status.UP, client.getBean(ClientHealthIndicator.class).health().getStatus());
        BlockingQueue<String> prices = new LinkedBlockingQueue<>();
        client.getBean(DuplexClients.class).connection("shop").subscribe("priceChanged", String.class, prices::add);
        server.getBean(Events.class).publish("priceChanged", "pen=99");
        assertEquals("pen=99", prices.poll(10, TimeUnit.SECONDS));
        assertEquals(1, endpoint.connections().size());
        seen = endpoint.connections().iterator().next();
      }
      // The client context closed its connection as it stopped.
      assertEquals(1001, seen.closeFuture().get(10, TimeUnit.SECONDS).closeCode());
    }
  }

  @Test
  void aDuplexClientWithoutPropertiesFailsTheStartNamingIt() {
    Exception e = assertThrows(Exception.class, () -> new SpringApplicationBuilder(ClientApp.class)
        .web(WebApplicationType.NONE).run().close());
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("duplex.rpc.client.shop.uri"), root.getMessage());
  }

  @Test
  void stoppingTheContextLetsRunningCallsFinishThenClosesWith1001() throws Exception {
    ServerApp.HELD = new CountDownLatch(1);
    ServerApp.RELEASE = new CountDownLatch(1);
    ConfigurableApplicationContext server = server("duplex.rpc.server.shutdown-grace=10s");
    RpcEndpoint endpoint = server.getBean(RpcEndpoint.class);
    CompletableFuture<String> closed = new CompletableFuture<>();
    ClientConnection c = RpcClient.builder().uri(rpc(server))
        .header("Authorization", ServerTest.BASIC)
        .reconnectPolicy(ReconnectPolicy.none())
        .listener(new ClientConnection.Listener() {
          @Override
          public void onClose(ClientConnection connection, int code, String reason) {
            closed.complete(code + " " + reason);
          }
        })
        .build().connect();
    Shop shop = c.remote(Shop.class);
    CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
      try {
        return shop.hold();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(ServerApp.HELD.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
    // New calls are refused once the shutdown has begun; bounded in count, no sleeping.
    RpcException refused = null;
    for (int i = 0; i < 100_000 && refused == null && !stopping.isDone(); i++) {
      try {
        c.remote(Greeter.class).greet("late");
      } catch (RpcException e) {
        refused = e;
      }
    }
    assertTrue(refused != null, "no call was refused during the shutdown");
    assertEquals(ErrorCodes.SHUTTING_DOWN, refused.code(), refused.toString());
    ServerApp.RELEASE.countDown();
    assertEquals("done", held.get(10, TimeUnit.SECONDS));
    assertTrue(closed.get(10, TimeUnit.SECONDS).startsWith("1001 "), closed.get());
    stopping.get(30, TimeUnit.SECONDS);
    assertEquals(List.of(), List.copyOf(endpoint.connections()));
  }

  /**
   * Tomcat calls {@code onClose} as soon as its close frame is written; the endpoint's wait (what
   * the context's stop waits on before the web server goes) still lasts until the client answers.
   * Tomcat only: on Jetty the wait ends at {@code onClose} (see docs/spring.md).
   */
  @Test
  void awaitSessionsClosedWaitsForTheClientsCloseReplyOnTomcat() throws Exception {
    try (ConfigurableApplicationContext server = server();
        RawWebSocket raw = rawConnect(rpc(server))) {
      assumeTrue(((WebServerApplicationContext) server).getWebServer().getClass().getSimpleName()
          .startsWith("Tomcat"), "Tomcat only");
      RpcEndpoint endpoint = server.getBean(RpcEndpoint.class);
      raw.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"nosuch\",\"id\":1}");
      assertEquals(1, raw.readFrame().opcode()); // answered: the session is open on the server
      endpoint.close();
      RawWebSocket.Frame close = raw.readFrame();
      assertEquals(8, close.opcode());
      assertEquals(1001, close.closeCode());
      // Not answered yet: the closing handshake has not finished, whatever onClose said.
      assertFalse(endpoint.awaitSessionsClosed(Duration.ofMillis(200)));
      raw.write(RawWebSocket.frame(8, ByteBuffer.allocate(2).putShort((short) 1001).array(), true, true));
      assertTrue(endpoint.awaitSessionsClosed(Duration.ofSeconds(10)));
    }
  }

  /** A raw WebSocket client, with the credentials the server asks for. */
  static RawWebSocket rawConnect(URI uri) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(("GET " + uri.getRawPath() + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: " + ServerTest.BASIC + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0 || head.size() > 16_384) {
        s.close();
        throw new IllegalStateException("no handshake response: " + head);
      }
      head.write(b);
    }
    assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
    return RawWebSocket.over(s);
  }
}
