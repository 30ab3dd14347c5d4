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
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.FaultProxy.Direction;
import dev.duplexrpc.server.testing.Sync;
import dev.duplexrpc.websocket.SocketSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat over real sockets, through a fault-injecting proxy: a frozen link is found by the
 * missing pongs on both sides and every pending call fails at once; a quiet but healthy link
 * stays up; turned off, nothing is sent.
 */
class HeartbeatTest {
  static final Duration PING = Duration.ofMillis(100);
  static final Duration IDLE = Duration.ofMillis(600);
  /** Far longer than the heartbeat's deadline: a failure within the wait is not a call timeout. */
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);
  static final long WAIT_SECONDS = 10;

  /** A method that never answers. */
  public interface Hang {
    @RpcMethod
    CompletableFuture<String> hang();

    @RpcMethod
    String echo(String s);
  }

  static final class Hanger implements Hang {
    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }

    @Override
    public String echo(String s) {
      return s;
    }
  }

  RpcServer server;
  FaultProxy proxy;
  ClientConnection client;

  @AfterEach
  void closeAll() {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A server and a client through the proxy, both ends given the same socket settings. */
  private void start(Duration ping, Duration idle) throws Exception {
    SocketSettings socket = SocketSettings.builder().pingInterval(ping).idleTimeout(idle).build();
    server = RpcServer.builder()
        .service(new Hanger())
        .callTimeout(CALL_TIMEOUT)
        .socketSettings(socket)
        .build()
        .start();
    proxy = FaultProxy.start(server.address());
    client = RpcClient.builder()
        .resumableSessions(false) // the heartbeat's own behaviour; ResumeTest resumes a dropped link
        .uri(proxy.via(server.uri()))
        .service(new Hanger())
        .callTimeout(CALL_TIMEOUT)
        .socketSettings(socket)
        .reconnectPolicy(ReconnectPolicy.none()) // the drop is final here; rpc-client's ReconnectTest covers the rest
        .build()
        .connect();
    Sync.registered(client);
  }

  private static ConnectionClosedException closedFailure(CompletableFuture<?> call) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(ConnectionClosedException.class, e.getCause());
  }

  @Test
  void frozenLinkIsDroppedAndPendingCallsFailOnBothSides() throws Exception {
    start(PING, IDLE);
    FaultProxy.Link link = proxy.links().get(0);
    ServerConnection serverSide = server.connections().iterator().next();
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    CompletableFuture<String> fromServer = serverSide.remote(Hang.class).hang();
    long start = System.nanoTime();
    link.freeze();

    ConnectionClosedException seenByClient = closedFailure(fromClient);
    ConnectionClosedException seenByServer = closedFailure(fromServer);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(1006, seenByClient.closeCode());
    assertTrue(seenByClient.closeReason().contains("heartbeat"), seenByClient.closeReason());
    assertEquals(1006, seenByServer.closeCode());
    assertTrue(seenByServer.closeReason().contains("heartbeat"), seenByServer.closeReason());
    assertTrue(millis >= IDLE.toMillis() - 50, "not before the idle timeout: " + millis + " ms");
    assertTrue(millis < CALL_TIMEOUT.toMillis() / 2, "long before the call timeout: " + millis + " ms");

    // Both ends dropped their sockets, without waiting for a closing handshake the link can't carry.
    link.clientClosed().get(WAIT_SECONDS, TimeUnit.SECONDS);
    link.serverClosed().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1006, client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
    assertEquals(0, server.connections().size());
  }

  @Test
  void linkFrozenOneWayIsDroppedToo() throws Exception {
    start(PING, IDLE);
    FaultProxy.Link link = proxy.links().get(0);
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    link.freeze(Direction.DOWNSTREAM); // the client hears nothing; the server still hears the client
    assertEquals(1006, closedFailure(fromClient).closeCode());
    // The server is told nothing by the client's heartbeat (its close can't pass a dead link), but
    // the dropped socket reaches it.
    link.serverClosed().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void quietHealthyLinkStaysOpenThroughManyIdleTimeouts() throws Exception {
    // A 100 ms ping against a 1 s deadline: room for a busy machine's pauses.
    start(PING, Duration.ofSeconds(1));
    FaultProxy.Link link = proxy.links().get(0);
    long before = link.bytesRead(Direction.DOWNSTREAM);
    // No calls for two and a half idle timeouts: only pings and pongs cross the link.
    assertThrows(TimeoutException.class, () -> client.closeFuture().get(2500, TimeUnit.MILLISECONDS));
    assertTrue(client.isOpen());
    assertTrue(link.bytesRead(Direction.DOWNSTREAM) > before, "pings and pongs crossed the link");
    assertEquals("still here", client.remote(Hang.class).echo("still here"));
  }

  @Test
  void heartbeatTurnedOffSendsNothingAndKeepsAFrozenLink() throws Exception {
    start(Duration.ZERO, Duration.ZERO);
    FaultProxy.Link link = proxy.links().get(0);
    long up = link.bytesRead(Direction.UPSTREAM);
    long down = link.bytesRead(Direction.DOWNSTREAM);
    link.freeze();
    CompletableFuture<String> fromClient = client.remote(Hang.class).hang();
    assertThrows(TimeoutException.class, () -> fromClient.get(1, TimeUnit.SECONDS));
    assertTrue(client.isOpen());
    // The only bytes: the one request above (no ping, no pong either way).
    assertEquals(down, link.bytesRead(Direction.DOWNSTREAM));
    assertTrue(link.bytesRead(Direction.UPSTREAM) - up < 100, "just the request");
  }

  /**
   * Both ends' heartbeats, the call timeouts and Tyrus's session timers run on one daemon thread
   * for the whole process, not one per concern or per server.
   */
  @Test
  void bothEndsShareOneDaemonTimerThread() throws Exception {
    start(PING, IDLE);
    ServerConnection serverSide = server.connections().iterator().next();
    assertEquals("up", client.remote(Hang.class).echo("up"));
    assertEquals("down", serverSide.remote(Hang.class).echo("down"));
    // By now both heartbeats, the calls' timeouts and both ends' Tyrus sessions have scheduled tasks.

    List<Thread> timers = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName().toLowerCase(Locale.ROOT);
      // The library's by name, Tyrus's container pools ("tyrus-N-thread-M") by origin; not the JDK's
      // CompletableFutureDelayScheduler, which other tests in this JVM may start.
      boolean ours = name.startsWith("duplex-rpc-") && (name.contains("timer") || name.contains("schedul"));
      if (ours || name.startsWith("tyrus-")) {
        timers.add(t);
      }
    }
    assertEquals(1, timers.size(), "timer threads: " + timers);
    assertEquals("duplex-rpc-timer", timers.get(0).getName());
    assertTrue(timers.get(0).isDaemon());
  }

  @Test
  void socketSettingsAreValidatedOnceForBothBuilders() {
    assertThrows(IllegalStateException.class, () -> RpcServer.builder()
        .pingInterval(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(10)).build());
    assertThrows(IllegalStateException.class, () -> RpcClient.builder().uri("ws://127.0.0.1:1/")
        .pingInterval(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(5)).build());
    assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().pingInterval(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> RpcClient.builder().idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(IllegalStateException.class, () -> SocketSettings.builder()
        .pingInterval(Duration.ofSeconds(40)).build()); // over the default idle timeout of 30 s
    assertThrows(IllegalArgumentException.class, () -> SocketSettings.builder().maxQueuedBytes(-1));
    // Either one alone, or neither, is fine.
    RpcServer.builder().pingInterval(Duration.ZERO).idleTimeout(Duration.ofSeconds(1)).build();
    RpcClient.builder().uri("ws://127.0.0.1:1/").pingInterval(Duration.ofSeconds(1))
        .idleTimeout(Duration.ZERO).build();

    // One set of defaults, in the value both builders hold; variants derive from it.
    SocketSettings defaults = SocketSettings.defaults();
    assertEquals(Duration.ofSeconds(15), defaults.pingInterval());
    assertEquals(Duration.ofSeconds(30), defaults.idleTimeout());
    assertEquals(16L << 20, defaults.maxQueuedBytes());
    assertEquals(defaults, SocketSettings.builder().build());

    SocketSettings quiet = defaults.newBuilder().pingInterval(Duration.ZERO).idleTimeout(Duration.ZERO).build();
    assertEquals(Duration.ZERO, quiet.pingInterval());
    assertEquals(16L << 20, quiet.maxQueuedBytes());
    assertEquals(Duration.ofSeconds(15), defaults.pingInterval(), "the original is unchanged");
    // A whole value replaces what the shortcuts set before it; a shortcut after it adjusts it.
    RpcServer.builder().pingInterval(Duration.ofMinutes(5)).socketSettings(defaults).build();
    assertThrows(IllegalStateException.class, () -> RpcClient.builder().uri("ws://127.0.0.1:1/")
        .socketSettings(defaults).pingInterval(Duration.ofMinutes(5)).build());
  }
}
