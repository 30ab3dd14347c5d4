package dev.duplexrpc.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.ConnectionStats;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.HttpProbe;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.testing.RawWebSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded server's {@link ConnectionLimits}: per-address and total limits answered with 429
 * and 503 while others still connect, a trusted proxy's forwarded address, the header size limit
 * (400), the handshake deadline and minimum rate, and the message rate limit. Clients from
 * 127.0.0.1 are the JDK's WebSocket client; hand-made sockets from 127.0.0.2 are the other address.
 */
class ConnectionLimitsTest {
  static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"hi\"]}";
  static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"hi\"}";

  /** The service under test. */
  public interface Echo {
    @RpcMethod
    String echo(String s);
  }

  final List<AutoCloseable> closeables = new ArrayList<>();
  final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  RpcServer server;

  @AfterEach
  void tearDown() throws Exception {
    pacer.shutdownNow();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
  }

  RpcServer start(ConnectionLimits limits) throws IOException {
    server = RpcServer.builder().service((Echo) s -> s).connectionLimits(limits).build().start();
    return server;
  }

  JdkWebSocketClient client() throws Exception {
    JdkWebSocketClient c = JdkWebSocketClient.connect(server.uri());
    closeables.add(c);
    return c;
  }

  static void assertAnswers(JdkWebSocketClient c) throws Exception {
    c.send(CALL);
    assertEquals(ANSWER, c.next());
  }

  /** Waits (up to 10 s) for the server's counters to satisfy {@code condition}. */
  ConnectionStats awaitStats(Predicate<ConnectionStats> condition) throws Exception {
    CompletableFuture<ConnectionStats> met = new CompletableFuture<>();
    ScheduledFuture<?> check = pacer.scheduleWithFixedDelay(() -> {
      ConnectionStats s = server.connectionStats();
      if (condition.test(s)) {
        met.complete(s);
      }
    }, 0, 10, TimeUnit.MILLISECONDS);
    try {
      return met.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return fail("counters not as expected: " + server.connectionStats());
    } finally {
      check.cancel(false);
    }
  }

  static int handshakeStatus(Throwable e) {
    Throwable t = e instanceof ExecutionException ? e.getCause() : e;
    return assertInstanceOf(WebSocketHandshakeException.class, t).getResponse().statusCode();
  }

  @Test
  void connectionPastThePerAddressLimitGets429WhileAnotherAddressConnects() throws Exception {
    start(ConnectionLimits.builder().maxConnectionsPerAddress(3).build());
    for (int i = 0; i < 3; i++) {
      assertAnswers(client());
    }
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> JdkWebSocketClient.connect(server.uri()));
    assertEquals(429, handshakeStatus(refused));
    assertEquals(429, HttpProbe.upgrade("127.0.0.1", server.uri()));

    Socket other = HttpProbe.open("127.0.0.2", server.uri(), 10_000);
    closeables.add(other);
    assertEquals(101, HttpProbe.send(other, HttpProbe.upgradeRequest(server.uri())));
    RawWebSocket ws = RawWebSocket.over(other);
    ws.sendText(CALL);
    assertEquals(ANSWER, ws.readFrame().text());

    ConnectionStats stats = server.connectionStats();
    assertEquals(4, stats.connections());
    assertEquals(2, stats.refusedPerAddress());
    assertEquals(0, stats.refusedBusy());
  }

  @Test
  void connectionPastTheTotalLimitGets503UntilOneCloses() throws Exception {
    start(ConnectionLimits.builder().maxConnections(3).build());
    JdkWebSocketClient first = client();
    client();
    client();
    assertEquals(503, HttpProbe.upgrade("127.0.0.2", server.uri()));
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> JdkWebSocketClient.connect(server.uri()));
    assertEquals(503, handshakeStatus(refused));

    first.close(); // abort: the socket goes at once
    awaitStats(s -> s.connections() == 2);
    assertAnswers(client());
    assertEquals(2, server.connectionStats().refusedBusy());
  }

  @Test
  void pendingHandshakesPastTheLimitsAreRefused() throws Exception {
    start(ConnectionLimits.builder().maxPendingHandshakesPerAddress(2).maxPendingHandshakes(3).build());
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Socket s = HttpProbe.open("127.0.0.2", server.uri(), 10_000);
      closeables.add(s);
      s.getOutputStream().write("GET / HT".getBytes(StandardCharsets.US_ASCII));
      slow.add(s);
    }
    awaitStats(s -> s.pendingHandshakes() == 2);
    assertEquals(429, HttpProbe.upgrade("127.0.0.2", server.uri()));
    Socket third = HttpProbe.open("127.0.0.1", server.uri(), 10_000);
    closeables.add(third);
    third.getOutputStream().write("GET / HT".getBytes(StandardCharsets.US_ASCII));
    awaitStats(s -> s.pendingHandshakes() == 3);
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> JdkWebSocketClient.connect(server.uri()));
    assertEquals(503, handshakeStatus(refused));
    for (Socket s : slow) {
      s.close();
    }
    awaitStats(s -> s.pendingHandshakes() == 1);
    assertAnswers(client());
  }

  @Test
  void trustedProxyForwardedAddressIsTheOneCounted() throws Exception {
    start(ConnectionLimits.builder().maxConnectionsPerAddress(1).trustedProxies("127.0.0.2").build());
    String viaProxy = "X-Forwarded-For: 203.0.113.9, 127.0.0.2";
    Socket a = HttpProbe.open("127.0.0.2", server.uri(), 10_000);
    closeables.add(a);
    assertEquals(101, HttpProbe.send(a, HttpProbe.upgradeRequest(server.uri(), viaProxy)));
    assertEquals(429, HttpProbe.upgrade("127.0.0.2", server.uri(), viaProxy));
    Socket b = HttpProbe.open("127.0.0.2", server.uri(), 10_000);
    closeables.add(b);
    assertEquals(101, HttpProbe.send(b, HttpProbe.upgradeRequest(server.uri(), "X-Forwarded-For: 203.0.113.10")));
    assertAnswers(client()); // 127.0.0.1 is its own address
    assertEquals(429, HttpProbe.upgrade("127.0.0.1", server.uri(), "X-Forwarded-For: 198.51.100.1"));
  }

  @Test
  void requestHeadersOverTheLimitGet400() throws Exception {
    start(ConnectionLimits.builder().maxRequestHeaderSize(4096).build());
    assertEquals(101, HttpProbe.upgrade("127.0.0.2", server.uri(), "X-Pad: " + "a".repeat(3000)));
    assertEquals(400, HttpProbe.upgrade("127.0.0.2", server.uri(), "X-Pad: " + "a".repeat(5000)));
    assertEquals(400, HttpProbe.upgrade("127.0.0.2", server.uri(), "X-Pad: " + "a".repeat(1 << 20)));
    assertAnswers(client());
  }

  @Test
  void handshakeNotCompletedInTimeIsClosed() throws Exception {
    start(ConnectionLimits.builder().handshakeTimeout(Duration.ofMillis(800)).minHandshakeRate(0, Duration.ZERO)
        .build());
    Socket s = HttpProbe.open("127.0.0.2", server.uri(), 5_000);
    closeables.add(s);
    long start = System.nanoTime();
    s.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    assertTrue(HttpProbe.closedByServer(s));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= 700 && millis < 3_000, "closed after " + millis + " ms");
    ConnectionStats stats = awaitStats(st -> st.connections() == 0);
    assertEquals(1, stats.handshakeTimeouts());
    assertAnswers(client());
  }

  @Test
  void upgradeCompletedJustBeforeTheTimeoutWorksAfterIt() throws Exception {
    start(ConnectionLimits.builder().handshakeTimeout(Duration.ofMillis(1500)).minHandshakeRate(0, Duration.ZERO)
        .build());
    Socket s = HttpProbe.open("127.0.0.2", server.uri(), 10_000);
    closeables.add(s);
    byte[] request = HttpProbe.upgradeRequest(server.uri()).getBytes(StandardCharsets.US_ASCII);
    OutputStream out = s.getOutputStream();
    out.write(request, 0, request.length - 3);
    // The last bytes at 1.2 s: well inside the deadline, but after most of it.
    pacer.schedule(() -> {
      out.write(request, request.length - 3, 3);
      return null;
    }, 1200, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    assertEquals(101, HttpProbe.status(HttpProbe.readHead(s)));
    RawWebSocket ws = RawWebSocket.over(s);
    // The first call after the deadline has passed.
    pacer.schedule(() -> null, 600, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    ws.sendText(CALL);
    assertEquals(ANSWER, ws.readFrame().text());
    assertEquals(0, server.connectionStats().handshakeTimeouts());
  }

  @Test
  void handshakeSentBelowTheMinimumRateIsClosed() throws Exception {
    start(ConnectionLimits.builder().minHandshakeRate(100, Duration.ofMillis(500)).build());
    Socket s = HttpProbe.open("127.0.0.2", server.uri(), 5_000);
    closeables.add(s);
    byte[] request = HttpProbe.upgradeRequest(server.uri()).getBytes(StandardCharsets.US_ASCII);
    int[] next = {0};
    long start = System.nanoTime();
    pacer.scheduleAtFixedRate(() -> { // 10 bytes per second
      try {
        s.getOutputStream().write(request[next[0]++]);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    assertTrue(HttpProbe.closedByServer(s));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= 400 && millis < 3_000, "closed after " + millis + " ms");
    assertEquals(1, awaitStats(st -> st.connections() == 0).slowHandshakes());
  }

  @Test
  void messagesPastTheRateLimitCloseTheConnectionWith1008() throws Exception {
    start(ConnectionLimits.builder().maxMessagesPerSecond(20).build());
    JdkWebSocketClient calm = client();
    for (int i = 0; i < 5; i++) {
      assertAnswers(calm);
    }
    // 100 notifications in one write, so they arrive together however slow the machine is.
    try (RawWebSocket flood = RawWebSocket.connect(server.uri(), 0, 10_000)) {
      byte[] one = RawWebSocket.frame(1, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"x\"]}"
          .getBytes(StandardCharsets.UTF_8), true, true);
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 100; i++) {
        burst.write(one);
      }
      flood.write(burst.toByteArray());
      RawWebSocket.Frame f = flood.readFrame();
      while (f.opcode() != 8) { // the close frame, after any answers sent before it
        f = flood.readFrame();
      }
      assertEquals(1008, f.closeCode());
      assertTrue(f.text().contains("20 per second"), f.text());
    }
    assertAnswers(calm);
    assertFalse(calm.isClosed());
  }

  @Test
  void messageRateIsUnlimitedByDefault() throws Exception {
    start(ConnectionLimits.defaults());
    JdkWebSocketClient c = client();
    for (int i = 0; i < 500; i++) {
      c.sendWithoutWaiting("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"x\"]}").get(10, TimeUnit.SECONDS);
    }
    assertAnswers(c);
  }
}
