package dev.duplexrpc.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.testing.RawWebSocket;
import dev.duplexrpc.websocket.SocketSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each connection-level meter moves when it should, over real sockets on loopback. */
class MetersTest {
  static final long WAIT_SECONDS = 10;

  /** A service whose calls wait until released. */
  public static final class Hold {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @RpcMethod("hold")
    public String hold() throws InterruptedException {
      entered.countDown();
      release.await(WAIT_SECONDS, TimeUnit.SECONDS);
      return "released";
    }

    @RpcMethod("echo")
    public String echo(String text) {
      return text;
    }
  }

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final Hold hold = new Hold();
  RpcServer server;
  ClientConnection client;

  @BeforeEach
  void bindEvents() {
    RpcMeters.events().bindTo(meters);
  }

  @AfterEach
  void stop() {
    hold.release.countDown();
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private double gauge(String name, String source) {
    return meters.get(name).tag("source", source).gauge().value();
  }

  private double limit(String limit) {
    return meters.get(RpcMeters.LIMITS_HIT).tag("limit", limit).functionCounter().count();
  }

  private void bindServer() {
    RpcMeters.connections("server",
        () -> server.connections().stream().map(ServerConnection::peer).toList()).bindTo(meters);
  }

  @Test
  void gaugesFollowConnectionsPendingCallsAndRunningHandlers() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).build().start();
    bindServer();
    client = RpcClient.builder().uri(server.uri()).build().connect();
    RpcMeters.connections("client", () -> List.of(client.peer())).bindTo(meters);
    assertEquals("x", client.peer().call("echo", String.class, "x").get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, gauge(RpcMeters.CONNECTIONS_OPEN, "server"));
    assertEquals(1, gauge(RpcMeters.CONNECTIONS_OPEN, "client"));
    assertEquals(0, gauge(RpcMeters.CALLS_PENDING, "client"));

    CompletableFuture<String> call = client.peer().call("hold", String.class);
    assertTrue(hold.entered.await(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, gauge(RpcMeters.HANDLERS_RUNNING, "server"));
    assertEquals(1, gauge(RpcMeters.CALLS_PENDING, "client"));
    hold.release.countDown();
    assertEquals("released", call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(0, gauge(RpcMeters.HANDLERS_RUNNING, "server"));
    assertEquals(0, gauge(RpcMeters.CALLS_PENDING, "client"));

    client.close();
    client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(0, gauge(RpcMeters.CONNECTIONS_OPEN, "client"));
  }

  @Test
  void queuedBytesGaugeHoldsWhatAStalledReaderLeavesUnsent() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).maxQueuedBytes(0).build().start();
    bindServer();
    try (RawWebSocket raw = stalledClient()) {
      ServerConnection c = server.connections().iterator().next();
      String payload = "x".repeat(64 * 1024);
      for (int i = 0; i < 256; i++) { // 16 MiB: more than the socket buffers take
        c.peer().notify("tick", payload);
      }
      assertTrue(gauge(RpcMeters.QUEUED_BYTES, "server") > 0, "bytes wait in the send queue");
      assertEquals("bytes", meters.get(RpcMeters.QUEUED_BYTES).gauge().getId().getBaseUnit());
      c.close();
    }
  }

  @Test
  void slowReaderDroppedCountsAsALimitHit() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).maxQueuedBytes(64 * 1024)
        .build().start();
    double before = limit("slow_reader");
    try (RawWebSocket raw = stalledClient()) {
      ServerConnection c = server.connections().iterator().next();
      String payload = "x".repeat(64 * 1024);
      for (int i = 0; i < 4096 && c.isOpen(); i++) { // at most 256 MiB; dropped long before
        try {
          c.peer().notify("tick", payload);
        } catch (ConnectionClosedException e) {
          break;
        }
      }
      assertEquals(1001, c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
    }
    assertEquals(before + 1, limit("slow_reader"));
  }

  @Test
  void overloadedRequestCountsAsALimitHit() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).maxInFlight(1).build().start();
    double before = limit("overloaded");
    try (JdkWebSocketClient raw = JdkWebSocketClient.connect(server.uri())) {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}");
      assertTrue(hold.entered.await(WAIT_SECONDS, TimeUnit.SECONDS));
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"hold\"}");
      assertTrue(raw.next().contains("\"id\":2,\"error\":{\"code\":-32000"));
      assertEquals(before + 1, limit("overloaded"));
    }
  }

  @Test
  void messageOverTheSizeLimitCountsAsALimitHit() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).maxMessageSize(4096).build().start();
    double before = limit("too_large");
    try (JdkWebSocketClient raw = JdkWebSocketClient.connect(server.uri())) {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"" + "x".repeat(10_000) + "\"]}");
      assertEquals(1009, raw.awaitClose().code());
    }
    assertEquals(before + 1, limit("too_large"));
  }

  @Test
  void heartbeatDropIsCounted() throws Exception {
    SocketSettings quick = SocketSettings.builder().pingInterval(Duration.ZERO)
        .idleTimeout(Duration.ofMillis(300)).build();
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).socketSettings(quick).build().start();
    double before = meters.get(RpcMeters.HEARTBEAT_DROPS).functionCounter().count();
    try (RawWebSocket raw = stalledClient()) { // says nothing more: the idle timeout drops it
      ServerConnection c = server.connections().iterator().next();
      c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    assertEquals(before + 1, meters.get(RpcMeters.HEARTBEAT_DROPS).functionCounter().count());
  }

  @Test
  void reconnectIsCounted() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(hold).build().start();
    double before = meters.get(RpcMeters.RECONNECTS).functionCounter().count();
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    client = RpcClient.builder().uri(server.uri())
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50)))
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        })
        .build().connect();
    assertEquals("x", client.peer().call("echo", String.class, "x").get(WAIT_SECONDS, TimeUnit.SECONDS));
    server.connections().iterator().next().close(1011, "server side failure");
    ConnectionState s;
    do { // the first connect's CONNECTING and OPEN come first
      s = states.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } while (s != null && s != ConnectionState.RECONNECTING);
    assertEquals(ConnectionState.RECONNECTING, s);
    assertEquals(ConnectionState.OPEN, states.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(before + 1, meters.get(RpcMeters.RECONNECTS).functionCounter().count());
  }

  /** A raw client that made one call and then never reads again. */
  private RawWebSocket stalledClient() throws Exception {
    RawWebSocket raw = RawWebSocket.connect(server.uri(), 4096, (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    raw.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"x\"]}");
    assertTrue(raw.readFrame().text().contains("\"result\":\"x\""), "connected");
    return raw;
  }
}
