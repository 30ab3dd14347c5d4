package dev.duplexrpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Shop;
import dev.duplexrpc.spring.boot.api.Wallet;
import dev.duplexrpc.spring.boot.server.ServerApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The server side in one Boot application on a random port: beans served at the configured path,
 * behind Spring Security, with the configured limits and origins, to the JDK's WebSocket client
 * sending hand-written frames and to the library's client.
 */
@SpringBootTest(classes = ServerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "duplex.rpc.server.path=/api/rpc",
    "duplex.rpc.server.max-message-size=4096",
    "duplex.rpc.server.allowed-origins=https://shop.example",
    "duplex.rpc.server.events=priceChanged"})
class ServerTest {
  static final String BASIC = "Basic " + Base64.getEncoder()
      .encodeToString((ServerApp.USER + ":" + ServerApp.PASSWORD).getBytes(StandardCharsets.UTF_8));

  @LocalServerPort
  int port;

  @Autowired
  RpcEndpoint endpoint;

  URI rpc() {
    return URI.create("ws://127.0.0.1:" + port + "/api/rpc");
  }

  RpcClient.Builder client() {
    return RpcClient.builder().uri(rpc()).header("Authorization", BASIC).reconnectPolicy(ReconnectPolicy.none());
  }

  @Test
  void servedBeanAnswersHandWrittenFrameWithThePrincipal() throws Exception {
    try (FrameClient c = FrameClient.connect(rpc(), Map.of("Authorization", BASIC))) {
      c.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"greet\",\"params\":[\"bob\"]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"Hello, bob (alice)\"}", c.next());
    }
  }

  @Test
  void unauthenticatedUpgradeIsRefusedBeforeAnyFrame() throws Exception {
    assertEquals(401, FrameClient.refusedStatus(rpc(), Map.of()));
    String wrong = "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, FrameClient.refusedStatus(rpc(), Map.of("Authorization", wrong)));
  }

  @Test
  void originOutsideTheConfiguredListIsRefusedWith403() throws Exception {
    assertEquals(403, FrameClient.refusedStatus(rpc(),
        Map.of("Authorization", BASIC, "Origin", "https://evil.example")));
    try (FrameClient c = FrameClient.connect(rpc(), Map.of("Authorization", BASIC, "Origin", "https://shop.example"))) {
      c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"greet\",\"params\":[\"eve\"]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"Hello, eve (alice)\"}", c.next());
    }
  }

  @Test
  void messageOverTheConfiguredLimitClosesWith1009() throws Exception {
    try (FrameClient c = FrameClient.connect(rpc(), Map.of("Authorization", BASIC))) {
      String big = "x".repeat(4096);
      c.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"greet\",\"params\":[\"" + big + "\"]}");
      assertEquals(1009, c.awaitCloseCode());
    }
  }

  @Test
  void onlyTheConfiguredPathUpgrades() throws Exception {
    URI defaultPath = URI.create("ws://127.0.0.1:" + port + "/rpc");
    assertEquals(404, FrameClient.refusedStatus(defaultPath, Map.of("Authorization", BASIC)));
    HttpResponse<String> plain = http(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/rpc"))
        .header("Authorization", BASIC).GET());
    assertEquals(426, plain.statusCode());
  }

  @Test
  void javaClientCallsABeanThatCallsItBack() throws Exception {
    try (ClientConnection c = client().service((Wallet) cents -> cents * 2).build().connect()) {
      assertEquals("Hello, dan (alice)", c.remote(Greeter.class).greet("dan"));
      assertEquals("book paid 500", c.remote(Shop.class).order("book"));
      assertTrue(c.peer().extensionsAgreed(), "the container negotiated the wire extensions' subprotocol");
    }
  }

  @Test
  void controllerPushesAnEventToSubscribedClients() throws Exception {
    BlockingQueue<String> prices = new LinkedBlockingQueue<>();
    try (ClientConnection c = client().build().connect()) {
      c.subscribe("priceChanged", String.class, prices::add);
      HttpResponse<String> posted = http(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/prices/book/300"))
          .header("Authorization", BASIC).POST(HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, posted.statusCode(), posted.body());
      assertEquals("book=300", prices.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void actuatorHealthShowsTheServer() throws Exception {
    try (ClientConnection c = client().build().connect()) {
      c.remote(Greeter.class).greet("health"); // open for sure
      HttpResponse<String> health = http(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/actuator/health/duplexRpcServer")).GET());
      assertEquals(200, health.statusCode(), health.body());
      assertTrue(health.body().contains("\"status\":\"UP\""), health.body());
      assertTrue(health.body().contains("\"path\":\"/api/rpc\""), health.body());
      assertTrue(health.body().contains("\"accepting\":true"), health.body());
      assertTrue(health.body().matches(".*\"connections\":[1-9].*"), health.body());
    }
  }

  @Test
  void actuatorMetricsShowTheCallsAndTheConnections() throws Exception {
    try (ClientConnection c = client().build().connect()) {
      c.remote(Greeter.class).greet("metrics");
      HttpResponse<String> calls = http(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/actuator/metrics/jsonrpc.server?tag=rpc.method:greet")).GET());
      assertEquals(200, calls.statusCode(), calls.body());
      assertTrue(calls.body().matches(".*\"statistic\":\"COUNT\",\"value\":[1-9].*"), calls.body());
      HttpResponse<String> open = http(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/actuator/metrics/duplexrpc.connections.open?tag=source:server")).GET());
      assertEquals(200, open.statusCode(), open.body());
      assertTrue(open.body().matches(".*\"statistic\":\"VALUE\",\"value\":[1-9].*"), open.body());
    }
  }

  static HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
        .send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
