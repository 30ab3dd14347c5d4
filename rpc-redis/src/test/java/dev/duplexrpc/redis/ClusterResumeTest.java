package dev.duplexrpc.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.testing.RedisProcess;
import dev.duplexrpc.websocket.SocketSettings;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A resumable session resumed on another node of a cluster (2 or 3 nodes) on a real redis-server: the
 * node the client reconnects to bridges its socket to the node holding the session, and the
 * session goes on there as after a local resume. Real sockets on loopback, through the
 * fault-injecting proxy.
 */
class ClusterResumeTest {
  private static final long WAIT = 10;
  private static final SocketSettings SOCKET =
      SocketSettings.builder().pingInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(600)).build();

  /** Served by both ends: counts each value's runs; {@code gate} waits for the test. */
  public interface Work {
    @RpcMethod
    int echo(int x);

    @RpcMethod
    int gate(int x);
  }

  static final class WorkImpl implements Work {
    final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);

    @Override
    public int echo(int x) {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      return x;
    }

    @Override
    public int gate(int x) {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      entered.countDown();
      try {
        gate.await(WAIT, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x;
    }

    int runs(int x) {
      AtomicInteger n = runs.get(x);
      return n == null ? 0 : n.get();
    }
  }

  /** The authenticated user: the {@code user} query parameter. */
  record User(String getName) implements Principal {}

  /** One node: its server, its work, what its connection listener heard. */
  static final class Node {
    final WorkImpl work = new WorkImpl();
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    RpcServer server;

    URI uri(String user) {
      return URI.create(server.uri() + "?user=" + user);
    }
  }

  private RedisProcess redis;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void startRedis() throws Exception {
    redis = RedisProcess.start();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    redis.close();
  }

  private Node node(String id) throws Exception {
    return node(id, true);
  }

  private Node node(String id, boolean authenticate) throws Exception {
    return node(id, authenticate, RpcServer.builder());
  }

  private Node node(String id, boolean authenticate, RpcServer.Builder b) throws Exception {
    Node n = new Node();
    if (authenticate) {
      b.authenticator(h -> new User(Objects.requireNonNull(h.queryParameter("user"), "user")));
    }
    n.server = b
        .service(n.work)
        .event("tick")
        .socketSettings(SOCKET)
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            n.events.add("open");
          }

          @Override
          public void onResume(ServerConnection connection) {
            n.events.add("resume");
          }

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            n.events.add("close " + code);
          }
        })
        .backplane(RedisBackplane.builder().uri(redis.uri()).channelPrefix("resume").nodeId(id)
            .nodeTtl(Duration.ofSeconds(1)).build())
        .build()
        .start();
    closing.add(n.server);
    return n;
  }

  @Test
  void sessionResumedOnTheOtherNodeGoesOnOnItsOwnNode() throws Exception {
    Node a = node("a");
    Node b = node("b");
    Node c = node("c");
    FaultProxy proxy = FaultProxy.start(a.server.address());
    closing.add(proxy);
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    AtomicInteger hookRuns = new AtomicInteger();
    WorkImpl clientWork = new WorkImpl();
    ClientConnection client = RpcClient.builder()
        .uri(proxy.via(a.uri("alice")))
        .failoverUris(List.of(b.uri("alice"), c.uri("alice"))) // after a drop from node a: b first
        .service(clientWork)
        .socketSettings(SOCKET)
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(100)))
        .onReconnected(conn -> hookRuns.incrementAndGet())
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        })
        .build()
        .connect();
    closing.add(client);
    expect(states, ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals("open", a.events.poll(WAIT, TimeUnit.SECONDS));
    BlockingQueue<Integer> ticks = new LinkedBlockingQueue<>();
    client.subscribe("tick", Integer.class, ticks::add);
    ServerConnection onA = a.server.connections().iterator().next();
    CompletableFuture<Integer> fromClient = client.peer().call("gate", Integer.class, 7);
    CompletableFuture<Integer> fromServer = onA.peer().call("gate", Integer.class, 8);
    assertTrue(a.work.entered.await(WAIT, TimeUnit.SECONDS));
    assertTrue(clientWork.entered.await(WAIT, TimeUnit.SECONDS));

    proxy.refuseNewConnections(true); // the client's way back to node a is closed: it resumes on b
    proxy.links().get(0).cut();
    expect(states, ConnectionState.RESUMING);
    for (int i = 1; i <= 5; i++) { // published on node a during the gap
      a.server.events().publish("tick", i);
    }
    a.work.gate.countDown();
    clientWork.gate.countDown();

    expect(states, ConnectionState.OPEN);
    assertEquals(7, fromClient.get(WAIT, TimeUnit.SECONDS));
    assertEquals(8, fromServer.get(WAIT, TimeUnit.SECONDS));
    for (int i = 1; i <= 5; i++) {
      assertEquals(i, ticks.poll(WAIT, TimeUnit.SECONDS), "event " + i);
    }
    assertEquals("resume", a.events.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(1, proxy.links().size(), "the client did not come back through node a's proxy");
    // After the resume, through node b, the session is still node a's.
    assertEquals(9, client.peer().call("echo", Integer.class, 9).get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, a.work.runs(9));
    assertEquals(0, b.work.runs(9));
    assertEquals(10, onA.peer().call("echo", Integer.class, 10).get(WAIT, TimeUnit.SECONDS));
    a.server.events().publish("tick", 6);
    assertEquals(6, ticks.poll(WAIT, TimeUnit.SECONDS));
    assertNull(ticks.poll(), "every event once");
    assertEquals(1, a.work.runs(7));
    assertEquals(1, clientWork.runs(8));
    assertEquals(0, hookRuns.get(), "a resume runs no reconnect hook");
    assertTrue(b.server.connections().isEmpty(), "node b opened no connection: " + b.events);
    assertTrue(b.events.isEmpty(), b.events.toString());
    assertTrue(states.isEmpty(), states.toString());

    // The front node closes: it drops the socket (1006), the client resumes through node c.
    b.server.close();
    expect(states, ConnectionState.RESUMING, ConnectionState.OPEN);
    assertEquals("resume", a.events.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(13, client.peer().call("echo", Integer.class, 13).get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, a.work.runs(13));
    assertEquals(0, hookRuns.get());
    assertTrue(c.events.isEmpty(), c.events.toString());

    // Node a goes away while the client is bridged to it: the client gets a fresh session on c.
    a.server.close();
    List<ConnectionState> seen = new ArrayList<>();
    ConnectionState s;
    while ((s = states.poll(WAIT, TimeUnit.SECONDS)) != ConnectionState.OPEN) {
      seen.add(s);
      assertTrue(s == ConnectionState.RESUMING || s == ConnectionState.RECONNECTING, seen.toString());
    }
    assertTrue(seen.contains(ConnectionState.RECONNECTING), "a fresh session, not a resume: " + seen);
    assertEquals("open", c.events.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(1, hookRuns.get());
    assertEquals(11, client.peer().call("echo", Integer.class, 11).get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, c.work.runs(11));
  }

  @Test
  void aTokenResumedThroughTheOtherNodeIsBoundToItsPrincipal() throws Exception {
    Node a = node("a");
    Node b = node("b");
    JdkWebSocketClient alice = JdkWebSocketClient.connect(a.uri("alice"), "duplex-rpc.1");
    closing.add(alice);
    alice.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{}}");
    JsonObject answer = session(alice.next());
    assertFalse(answer.get("resumed").getAsBoolean());
    String token = answer.get("token").getAsString();
    assertTrue(token.startsWith("a."), "the token names its node: " + token);
    assertEquals("open", a.events.poll(WAIT, TimeUnit.SECONDS));

    // Bob presents alice's token on node b: a fresh session of his own on b, nothing of hers.
    JdkWebSocketClient bob = JdkWebSocketClient.connect(b.uri("bob"), "duplex-rpc.1");
    closing.add(bob);
    bob.send(hello(token, 0));
    JsonObject refused = session(bob.next());
    assertFalse(refused.get("resumed").getAsBoolean(), refused.toString());
    assertEquals(0, refused.get("received").getAsLong());
    assertTrue(refused.get("token").getAsString().startsWith("b."), refused.toString());
    assertEquals("open", b.events.poll(WAIT, TimeUnit.SECONDS));

    // Alice presents it on node b: her session resumes on node a, through b.
    JdkWebSocketClient again = JdkWebSocketClient.connect(b.uri("alice"), "duplex-rpc.1");
    closing.add(again);
    again.send(hello(token, 0));
    JsonObject resumed = session(again.next());
    assertTrue(resumed.get("resumed").getAsBoolean(), resumed.toString());
    assertTrue(resumed.get("token").getAsString().startsWith("a."), resumed.toString());
    assertEquals("resume", a.events.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(1001, alice.awaitClose().code(), "the replaced socket");
    again.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[5]}");
    String reply;
    while ((reply = again.next()).contains("rpc.ack")) {
      // acknowledgements of the session layer
    }
    assertEquals(5, JsonParser.parseString(reply).getAsJsonObject().get("result").getAsInt(), reply);
    assertEquals(1, a.work.runs(5));
    assertEquals(0, b.work.runs(5));
    assertTrue(b.events.isEmpty(), b.events.toString());
  }

  @Test
  void aClientBridgedToANodeThatDiesGetsAFreshSession() throws Exception {
    NodeProcess.Starting starting = NodeProcess.start(redis.uri(), "resume", "k", Duration.ofSeconds(1));
    NodeProcess k;
    try {
      k = starting.await(Duration.ofSeconds(30));
    } catch (Exception | AssertionError e) {
      starting.kill();
      throw e;
    }
    closing.add(k);
    Node b = node("b", false);
    FaultProxy proxy = FaultProxy.start(new java.net.InetSocketAddress("127.0.0.1", k.uri().getPort()));
    closing.add(proxy);
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    AtomicInteger hookRuns = new AtomicInteger();
    ClientConnection client = RpcClient.builder()
        .uri(proxy.via(k.uri()))
        .failoverUris(List.of(b.server.uri()))
        .socketSettings(SOCKET)
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(100)))
        .onReconnected(c -> hookRuns.incrementAndGet())
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        })
        .build()
        .connect();
    closing.add(client);
    expect(states, ConnectionState.CONNECTING, ConnectionState.OPEN);
    String first = client.peer().call("whoAmI", String.class).get(WAIT, TimeUnit.SECONDS);
    assertTrue(first.startsWith("k "), first);

    proxy.refuseNewConnections(true);
    proxy.links().get(0).cut();
    expect(states, ConnectionState.RESUMING, ConnectionState.OPEN);
    assertEquals(first, client.peer().call("whoAmI", String.class).get(WAIT, TimeUnit.SECONDS),
        "the same connection of node k, through node b");
    assertTrue(b.events.isEmpty(), b.events.toString());

    k.kill(Duration.ofSeconds(10));
    // Node b hears that k died and drops the socket (1006); the client tries to resume, node b
    // finds k gone and starts a fresh session.
    List<ConnectionState> seen = new ArrayList<>();
    ConnectionState s;
    while ((s = states.poll(WAIT, TimeUnit.SECONDS)) != ConnectionState.OPEN) {
      seen.add(s);
      assertTrue(s == ConnectionState.RESUMING || s == ConnectionState.RECONNECTING, seen.toString());
    }
    assertEquals(List.of(ConnectionState.RESUMING, ConnectionState.RECONNECTING), seen);
    assertEquals("open", b.events.poll(WAIT, TimeUnit.SECONDS));
    assertEquals(1, hookRuns.get());
    assertEquals(12, client.peer().call("echo", Integer.class, 12).get(WAIT, TimeUnit.SECONDS));
    assertEquals(1, b.work.runs(12));
  }

  @Test
  void aHoldingNodeThatDoesNotAnswerWithinTheAttachTimeoutMeansAFreshSession() throws Exception {
    assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().resumeAcrossNodes(true, Duration.ZERO));
    // Node z is alive on the bus but never answers: a backplane whose receiver ignores everything.
    RedisBackplane z = RedisBackplane.builder().uri(redis.uri()).channelPrefix("resume").nodeId("z").build();
    z.start(new Backplane.Receiver() {
      @Override
      public void onBroadcast(String message) {}

      @Override
      public void onMessage(String message) {}

      @Override
      public void nodeDown(String nodeId) {}

      @Override
      public void availabilityChanged(boolean available) {}
    });
    closing.add(z);
    Node b = node("b", true, RpcServer.builder().resumeAcrossNodes(true, Duration.ofMillis(300)));
    JdkWebSocketClient alice = JdkWebSocketClient.connect(b.uri("alice"), "duplex-rpc.1");
    closing.add(alice);
    alice.send(hello("z.AAAAAAAAAAAAAAAAAAAAAA", 0));
    JsonObject answer = session(alice.next());
    assertFalse(answer.get("resumed").getAsBoolean(), answer.toString());
    assertTrue(answer.get("token").getAsString().startsWith("b."), answer.toString());
    assertEquals("open", b.events.poll(WAIT, TimeUnit.SECONDS));

    // Off: a token of another node is not looked for there, and tokens name no node.
    Node c = node("c", true, RpcServer.builder().resumeAcrossNodes(false, Duration.ofSeconds(5)));
    JdkWebSocketClient bob = JdkWebSocketClient.connect(c.uri("bob"), "duplex-rpc.1");
    closing.add(bob);
    bob.send(hello("b." + answer.get("token").getAsString().substring(2), 0));
    JsonObject fresh = session(bob.next());
    assertFalse(fresh.get("resumed").getAsBoolean(), fresh.toString());
    assertFalse(fresh.get("token").getAsString().contains("."), fresh.toString());
  }

  private static String hello(String token, long received) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"" + token
        + "\",\"received\":" + received + "}}";
  }

  private static JsonObject session(String text) {
    JsonObject m = JsonParser.parseString(text).getAsJsonObject();
    assertEquals("rpc.session", m.get("method").getAsString(), text);
    return m.getAsJsonObject("params");
  }

  private static void expect(BlockingQueue<ConnectionState> states, ConnectionState... expected)
      throws InterruptedException {
    for (ConnectionState s : expected) {
      assertEquals(s, states.poll(WAIT, TimeUnit.SECONDS));
    }
  }
}
