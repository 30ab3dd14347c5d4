package dev.duplexrpc.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.client.testing.PeerServer;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.testing.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client reconnects through a fault-injecting proxy: lost sockets come back with the same
 * proxies, the hook runs before queued calls, calls made offline fail fast or wait in the bounded
 * queue, and the cases that must not reconnect do not. The server is a {@link PeerServer}.
 */
class ReconnectTest {
  static final long WAIT_SECONDS = 10;
  static final Duration CALL_TIMEOUT = Duration.ofMinutes(1);
  static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50));

  /** The server's service. */
  public interface Feed {
    @RpcMethod
    String subscribe(String topic);

    @RpcMethod
    String echo(String s);

    @RpcMethod
    CompletableFuture<String> echoLater(String s);

    @RpcMethod
    CompletableFuture<String> hang();

    @RpcNotification
    void note(String s);
  }

  static final class FeedImpl implements Feed {
    final BlockingQueue<String> subscriptions = new LinkedBlockingQueue<>();

    @Override
    public String subscribe(String topic) {
      subscriptions.add(topic);
      return "subscribed " + topic;
    }

    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public CompletableFuture<String> echoLater(String s) {
      return CompletableFuture.completedFuture(s);
    }

    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }

    @Override
    public void note(String s) {}
  }

  final FeedImpl feed = new FeedImpl();
  /** Text frames the server received, in wire order. */
  final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> finalClose = new CompletableFuture<>();
  PeerServer server;
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

  private void startServer() throws Exception {
    startServer(0);
  }

  /**
   * Starts the server on a port below the ephemeral range (32768 and up on Linux), trying random
   * ones until one is free: a server restarted on its own port must find it free, and while it is
   * down an ephemeral port could be taken as the source port of a connection to it (a connection
   * attempt to it can even connect to itself).
   */
  private void startServerOutsideTheEphemeralRange() throws Exception {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 1; ; attempt++) {
      try {
        startServer(10_000 + random.nextInt(20_000));
        return;
      } catch (java.io.IOException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }

  private void startServer(int port) throws Exception {
    server = PeerServer.builder()
        .port(port)
        .service(feed)
        .events("prices")
        .frameTap((text, outgoing) -> {
          if (!outgoing) {
            received.add(text);
          }
        })
        .start();
    proxy = FaultProxy.start(server.address());
  }

  private RpcClient.Builder clientBuilder() {
    return RpcClient.builder()
        .uri(proxy.via(server.uri()))
        .callTimeout(CALL_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(FAST)
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }

          @Override
          public void onClose(ClientConnection connection, int code, String reason) {
            finalClose.complete(code);
          }
        });
  }

  private void connect(RpcClient.Builder builder) throws Exception {
    client = builder.build().connect();
    awaitRegistered();
    assertEquals(ConnectionState.CONNECTING, nextState());
    assertEquals(ConnectionState.OPEN, nextState());
  }

  /**
   * Waits until the server registered the client's session: it does so before reading the
   * session's first message, so any answer proves it. This calls a method nobody serves and waits
   * for its error.
   */
  private void awaitRegistered() throws Exception {
    try {
      client.peer().call("test.sync", Object.class).get(WAIT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("test.sync is served by nobody, yet it answered");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RpcException) || ((RpcException) e.getCause()).code() != -32601) {
        throw e;
      }
    }
  }

  private ConnectionState nextState() throws InterruptedException {
    ConnectionState s = states.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("no state change within " + WAIT_SECONDS + " s");
    }
    return s;
  }

  private static ConnectionClosedException closedFailure(CompletableFuture<?> call) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(ConnectionClosedException.class, e.getCause());
  }

  /** Drops the current socket and waits until the client knows. */
  private void loseTheSocket() throws Exception {
    proxy.links().get(proxy.links().size() - 1).cut();
    assertEquals(ConnectionState.RECONNECTING, nextState());
  }

  @Test
  void lostSocketReconnectsAndTheSameProxyCarriesOn() throws Exception {
    startServer();
    connect(clientBuilder());
    Feed remote = client.remote(Feed.class);
    assertEquals("one", remote.echo("one"));
    CompletableFuture<String> pending = remote.hang();

    loseTheSocket();
    assertEquals(1006, closedFailure(pending).closeCode());
    assertEquals(ConnectionState.OPEN, nextState());
    assertSame(remote, client.remote(Feed.class));
    assertEquals("two", remote.echo("two"));
    assertEquals("three", remote.echoLater("three").get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, client.reconnects());
    assertEquals(2, proxy.links().size());
    assertTrue(client.isOpen());
  }

  @Test
  void hookRunsOnTheNewSocketBeforeQueuedCallsGoOutInOrder() throws Exception {
    startServer();
    AtomicInteger hookRuns = new AtomicInteger();
    connect(clientBuilder()
        .offlineQueue(100, Duration.ofSeconds(WAIT_SECONDS))
        .onReconnected(c -> {
          hookRuns.incrementAndGet();
          assertEquals(1, c.reconnects(), "the hook's own reconnect is counted");
          assertEquals(ConnectionState.RECONNECTING, c.state(), "other callers are still held");
          c.remote(Feed.class).subscribe("prices"); // straight to the new socket from the hook
        }));
    Feed remote = client.remote(Feed.class);
    remote.subscribe("prices");
    assertEquals("prices", feed.subscriptions.poll(WAIT_SECONDS, TimeUnit.SECONDS));

    proxy.refuseNewConnections(true);
    loseTheSocket();
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(remote.echoLater("queued-" + i));
    }
    CompletableFuture<String> blocking = CompletableFuture.supplyAsync(() -> remote.echo("blocking"));
    for (CompletableFuture<String> q : queued) {
      assertFalse(q.isDone(), "held while offline");
    }
    received.clear();
    proxy.refuseNewConnections(false);

    assertEquals(ConnectionState.OPEN, nextState());
    assertEquals(1, hookRuns.get());
    assertEquals("prices", feed.subscriptions.poll(WAIT_SECONDS, TimeUnit.SECONDS), "re-subscribed");
    for (int i = 0; i < 5; i++) {
      assertEquals("queued-" + i, queued.get(i).get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
    assertEquals("blocking", blocking.get(WAIT_SECONDS, TimeUnit.SECONDS));
    // On the wire: the hook's subscribe first, then the queued calls in the order they were made.
    List<String> wire = new ArrayList<>();
    received.drainTo(wire);
    wire.removeIf(t -> t.contains("test.sync"));
    assertTrue(wire.get(0).contains("\"subscribe\""), wire.toString());
    int previous = 0;
    for (int i = 0; i < 5; i++) {
      int at = indexOf(wire, "queued-" + i);
      assertTrue(at > previous, "queued-" + i + " in order: " + wire);
      previous = at;
    }
  }

  private static int indexOf(List<String> frames, String text) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError(text + " not on the wire: " + frames);
  }

  @Test
  void eventSubscriptionsAreRenewedOnTheNewSocket() throws Exception {
    startServer();
    connect(clientBuilder());
    BlockingQueue<String> prices = new LinkedBlockingQueue<>();
    client.subscribe("prices", String.class, prices::add);
    server.publish("prices", "before");
    assertEquals("before", prices.poll(WAIT_SECONDS, TimeUnit.SECONDS));

    loseTheSocket();
    assertEquals(ConnectionState.OPEN, nextState());
    // rpc.on went out on the new socket before the state turned OPEN; publish until it has been
    // served (requests run concurrently, so no later call proves it), at most for the wait.
    String received = null;
    for (int i = 0; i < 100 && received == null; i++) {
      server.publish("prices", "after");
      received = prices.poll(WAIT_SECONDS * 10, TimeUnit.MILLISECONDS);
    }
    assertEquals("after", received);
  }

  @Test
  void firstConnectIsOneAttemptByDefault() throws Exception {
    startServer();
    proxy.refuseNewConnections(true);
    AtomicInteger asked = new AtomicInteger();
    RpcClient.Builder builder = clientBuilder().reconnectPolicy(attempt -> {
      asked.incrementAndGet();
      return Duration.ZERO;
    });
    assertThrows(java.io.IOException.class, () -> builder.build().connect());
    assertEquals(0, asked.get(), "the policy is not asked without retryFirstConnect");
  }

  @Test
  void firstConnectRetriesWithThePolicyWhenAskedTo() throws Exception {
    startServer();
    proxy.refuseNewConnections(true);
    List<Integer> attempts = new ArrayList<>();
    ReconnectPolicy opensAfterTwoFailures = attempt -> {
      attempts.add(attempt);
      if (attempt == 2) {
        try {
          proxy.refuseNewConnections(false); // the server is up from the third attempt on
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return Duration.ofMillis(10);
    };
    connect(clientBuilder().reconnectPolicy(opensAfterTwoFailures).retryFirstConnect(true));
    assertEquals(List.of(1, 2), attempts);
    assertEquals("up", client.remote(Feed.class).echo("up"));
    assertEquals(0, client.reconnects(), "a retried first connect is not a reconnect");
  }

  @Test
  void retriedFirstConnectStopsWhenThePolicyGivesUp() throws Exception {
    startServer();
    proxy.refuseNewConnections(true);
    RpcClient.Builder builder = clientBuilder()
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(5)).withMaxAttempts(3))
        .retryFirstConnect(true);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> builder.build().connect());
    assertTrue(e.getMessage().contains("Could not connect"), e.getMessage());
    assertEquals(ConnectionState.CONNECTING, nextState());
    assertEquals(ConnectionState.CLOSED, nextState());
  }

  @Test
  void callsWhileOfflineFailAtOnceByDefault() throws Exception {
    startServer();
    connect(clientBuilder());
    Feed remote = client.remote(Feed.class);
    proxy.refuseNewConnections(true);
    loseTheSocket();

    ConnectionClosedException blocking = assertThrows(ConnectionClosedException.class, () -> remote.echo("x"));
    assertTrue(blocking.closeReason().contains("offline"), blocking.closeReason());
    CompletableFuture<String> async = remote.echoLater("y");
    assertTrue(async.isCompletedExceptionally(), "failed before returning");
    assertTrue(closedFailure(async).closeReason().contains("offline"));
    assertThrows(ConnectionClosedException.class, () -> remote.note("z"));
    assertEquals(ConnectionState.RECONNECTING, client.state());

    proxy.refuseNewConnections(false);
    assertEquals(ConnectionState.OPEN, nextState());
    assertEquals("back", remote.echo("back"));
  }

  @Test
  void offlineQueueHoldsAtMostNCallsForAtMostT() throws Exception {
    startServer();
    connect(clientBuilder().offlineQueue(2, Duration.ofMillis(300)));
    Feed remote = client.remote(Feed.class);
    proxy.refuseNewConnections(true);
    loseTheSocket();

    CompletableFuture<String> first = remote.echoLater("1");
    CompletableFuture<String> second = remote.echoLater("2");
    CompletableFuture<String> third = remote.echoLater("3");
    ConnectionClosedException full = closedFailure(third);
    assertTrue(full.closeReason().contains("offline queue is full"), full.closeReason());
    assertFalse(first.isDone());
    ConnectionClosedException expired = closedFailure(first);
    assertTrue(expired.closeReason().contains("not reconnected within 300 ms"), expired.closeReason());
    assertTrue(closedFailure(second).closeReason().contains("not reconnected"));
    // A blocking call waits the same way and fails the same way.
    ConnectionClosedException blocking = assertThrows(ConnectionClosedException.class, () -> remote.echo("4"));
    assertTrue(blocking.closeReason().contains("not reconnected"), blocking.closeReason());
  }

  @Test
  void closingWhileOfflineFailsTheQueueAndCancelsTheNextAttempt() throws Exception {
    startServer();
    // The first attempt is a minute away: the close below always finds it scheduled, not running.
    connect(clientBuilder()
        .reconnectPolicy(ReconnectPolicy.fixed(Duration.ofMinutes(1)))
        .offlineQueue(10, Duration.ofMinutes(1)));
    Feed remote = client.remote(Feed.class);
    loseTheSocket();
    CompletableFuture<String> queued = remote.echoLater("never sent");
    client.close();
    assertEquals(1000, closedFailure(queued).closeCode());
    assertEquals(ConnectionState.CLOSED, nextState());
    assertEquals(1000, finalClose.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, proxy.acceptedCount(), "no attempt was made");
  }

  @Test
  void noReconnectAfterTheApplicationCloses() throws Exception {
    startServer();
    connect(clientBuilder());
    client.close();
    assertEquals(ConnectionState.CLOSED, nextState());
    assertEquals(1000, finalClose.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThrows(TimeoutException.class, () -> proxy.whenAccepted(2).get(500, TimeUnit.MILLISECONDS));
    assertEquals(1, proxy.acceptedCount());
  }

  @Test
  void noReconnectAfterACloseCodeThatMeansStop() throws Exception {
    startServer();
    connect(clientBuilder());
    assertEquals(1, server.connections());
    CompletableFuture<String> pending = client.remote(Feed.class).hang();
    server.closeConnections(4000, "kicked");
    assertEquals(4000, closedFailure(pending).closeCode());
    assertEquals(ConnectionState.CLOSED, nextState());
    assertEquals(4000, finalClose.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("kicked", client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).closeReason());
    assertThrows(TimeoutException.class, () -> proxy.whenAccepted(2).get(500, TimeUnit.MILLISECONDS));
  }

  @Test
  void serverShutdownIsFollowedToTheRestartedServer() throws Exception {
    startServerOutsideTheEphemeralRange();
    connect(clientBuilder());
    Feed remote = client.remote(Feed.class);
    int port = server.port();
    server.close(); // 1001: going away, retried
    assertEquals(ConnectionState.RECONNECTING, nextState());
    server = PeerServer.builder().port(port).service(feed).start();
    assertEquals(ConnectionState.OPEN, nextState());
    assertEquals("again", remote.echo("again"));
  }

  @Test
  void policyThatGivesUpClosesTheConnection() throws Exception {
    startServer();
    connect(clientBuilder().reconnectPolicy(ReconnectPolicy.fixed(Duration.ZERO, Duration.ofMillis(10))));
    proxy.refuseNewConnections(true);
    loseTheSocket();
    assertEquals(ConnectionState.CLOSED, nextState());
    ConnectionClosedException end = client.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1006, end.closeCode());
    assertTrue(end.closeReason().contains("gave up reconnecting after 2 attempts"), end.closeReason());
    assertEquals(1006, finalClose.get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, proxy.acceptedCount(), "the attempts were refused by the closed port");
  }

  @Test
  void failingHookCountsAsAFailedAttempt() throws Exception {
    startServer();
    AtomicInteger runs = new AtomicInteger();
    connect(clientBuilder().onReconnected(c -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("login failed");
      }
      c.remote(Feed.class).subscribe("again");
    }));
    loseTheSocket();
    assertEquals(ConnectionState.OPEN, nextState());
    assertEquals(2, runs.get());
    assertEquals("again", feed.subscriptions.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("ok", client.remote(Feed.class).echo("ok"));
    assertEquals(3, proxy.links().size(), "the first socket, the one the hook dropped, the good one");
  }
}
