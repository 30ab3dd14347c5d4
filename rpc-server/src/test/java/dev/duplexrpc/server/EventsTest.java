package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.client.Subscription;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.server.testing.Sync;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Events over real sockets: {@code rpc.on} / {@code rpc.off} answered with {@code rpc-websockets}'
 * statuses (checked with hand-written frames from the JDK's WebSocket client), publishing in both
 * forms, the per-connection form chosen from the handshake, subscriptions ending with their
 * connection, and the Java client's typed {@code subscribe}.
 */
class EventsTest {
  static final long WAIT = JdkWebSocketClient.WAIT_SECONDS;

  /** A typed payload. */
  record Feed(int id, String title) {}

  private RpcServer server;
  private final BlockingQueue<String> serverFrames = new LinkedBlockingQueue<>();
  private final AtomicInteger rpcOnReceived = new AtomicInteger();

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  /** A server with events "feed" and "tick"; {@code ?events=rpc-websockets} picks that form. */
  private RpcServer start() throws Exception {
    server = RpcServer.builder()
        .event("feed")
        .event("tick")
        .connectionListener(setup -> {
          if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
            setup.eventForm(EventForm.RPC_WEBSOCKETS);
          }
        })
        .frameListener((id, text, outgoing) -> {
          serverFrames.add((outgoing ? "out " : "in ") + text);
          if (!outgoing && text.contains("\"rpc.on\"")) {
            rpcOnReceived.incrementAndGet();
          }
        })
        .build()
        .start();
    return server;
  }

  private URI compatUri() {
    return URI.create(server.uri() + "?events=rpc-websockets");
  }

  private static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  private static void assertJson(String expected, String actual) {
    assertEquals(json(expected), json(actual), () -> "expected " + expected + "\n but got " + actual);
  }

  /** Sends a request and returns its answer, skipping event frames that arrive in between. */
  private static String request(JdkWebSocketClient ws, int id, String method, String params)
      throws Exception {
    ws.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}");
    while (true) {
      String frame = ws.next();
      JsonElement e = json(frame);
      if (e.getAsJsonObject().has("id") && e.getAsJsonObject().get("id").getAsInt() == id) {
        return frame;
      }
    }
  }

  /** The next frame the server sent that contains {@code part}. */
  private String serverSent(String part) throws InterruptedException {
    while (true) {
      String f = serverFrames.poll(WAIT, TimeUnit.SECONDS);
      assertNotNull(f, "the server sent no frame containing " + part);
      if (f.startsWith("out ") && f.contains(part)) {
        return f.substring(4);
      }
    }
  }

  @Test
  void rpcOnAndOffAnswerRpcWebsocketsStatuses() throws Exception {
    start();
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"feed\":\"ok\",\"nope\":\"provided event invalid\"}}",
          request(ws, 1, "rpc.on", "[\"feed\",\"nope\"]"));
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"feed\":\"socket has already been subscribed to event\"}}",
          request(ws, 2, "rpc.on", "[\"feed\"]"));
      ServerConnection c = server.connections().iterator().next();
      assertEquals(Set.of("feed"), c.subscriptions());
      assertEquals(List.of(c), List.copyOf(server.events().subscribers("feed")));
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"feed\":\"ok\",\"tick\":\"not subscribed\","
              + "\"nope\":\"provided event invalid\"}}",
          request(ws, 3, "rpc.off", "[\"feed\",\"tick\",\"nope\"]"));
      assertEquals(Set.of(), c.subscriptions());
      assertTrue(server.events().subscribers("feed").isEmpty());
      // An empty list subscribes to nothing and answers an empty map.
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}", request(ws, 4, "rpc.on", "[]"));
    }
  }

  @Test
  void rpcOnWithoutAnArrayOfNamesGetsMinus32602() throws Exception {
    start();
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"Invalid params\","
              + "\"data\":{\"reason\":\"rpc.on takes an array of event names\"}}}",
          request(ws, 1, "rpc.on", null));
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"Invalid params\","
              + "\"data\":{\"reason\":\"rpc.off takes an array of event names\"}}}",
          request(ws, 2, "rpc.off", "{\"event\":\"feed\"}"));
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32602,\"message\":\"Invalid params\","
              + "\"data\":{\"reason\":\"rpc.on takes an array of event names, and 1 is not a string\"}}}",
          request(ws, 3, "rpc.on", "[\"feed\",1]"));
      assertTrue(server.connections().iterator().next().subscriptions().isEmpty());
      // Other names still get -32601, as without events.
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
          request(ws, 4, "rpc.nope", "[]"));
    }
  }

  @Test
  void publishSendsEachConnectionItsFormWithThePayloadAsTheOneParam() throws Exception {
    start();
    try (JdkWebSocketClient standard = JdkWebSocketClient.connect(server.uri());
        JdkWebSocketClient compat = JdkWebSocketClient.connect(compatUri());
        JdkWebSocketClient other = JdkWebSocketClient.connect(server.uri())) {
      request(standard, 1, "rpc.on", "[\"feed\"]");
      request(compat, 1, "rpc.on", "[\"feed\",\"tick\"]");
      request(other, 1, "rpc.on", "[\"tick\"]");
      assertEquals(2, server.events().publish("feed", new Feed(7, "x")));
      assertJson("{\"jsonrpc\":\"2.0\",\"method\":\"feed\",\"params\":[{\"id\":7,\"title\":\"x\"}]}", standard.next());
      assertJson("{\"notification\":\"feed\",\"params\":[{\"id\":7,\"title\":\"x\"}]}", compat.next());
      assertEquals(2, server.events().publish("tick", null));
      assertEquals("{\"notification\":\"tick\",\"params\":[null]}", compat.next());
      assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[null]}", other.next());
      assertEquals(2, server.events().publish("tick", "a\"b"));
      assertEquals("{\"notification\":\"tick\",\"params\":[\"a\\\"b\"]}", compat.next());
      assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[\"a\\\"b\"]}", other.next());
      // Nothing else was sent to the first: the next frame is its answer.
      standard.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"rpc.off\",\"params\":[\"feed\"]}");
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"feed\":\"ok\"}}", standard.next());
      assertEquals(1, server.events().publish("feed", new Feed(8, "y")));
      assertJson("{\"notification\":\"feed\",\"params\":[{\"id\":8,\"title\":\"y\"}]}", compat.next());
      assertEquals(0, standard.pending());
    }
  }

  @Test
  void payloadWithALoneSurrogateIsSentEscaped() throws Exception {
    assertEquals("\"a\\ud800b\\udc00\ud83d\ude00\"", dev.duplexrpc.core.internal.codec.MessageWriter.valueText(new com.google.gson.Gson(), "a\ud800b\udc00\ud83d\ude00"));
    start();
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      request(ws, 1, "rpc.on", "[\"tick\"]");
      assertEquals(1, server.events().publish("tick", "x\ud800y"));
      String frame = ws.next();
      assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[\"x\\ud800y\"]}", frame);
      assertEquals("x\ud800y", json(frame).getAsJsonObject().get("params").getAsJsonArray().get(0).getAsString());
    }
  }

  @Test
  void eventFormChangesLaterThroughTheConnection() throws Exception {
    start();
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      request(ws, 1, "rpc.on", "[\"tick\"]");
      ServerConnection c = server.connections().iterator().next();
      assertEquals(EventForm.JSON_RPC, c.eventForm());
      c.eventForm(EventForm.RPC_WEBSOCKETS);
      server.events().publish("tick", 1);
      assertEquals("{\"notification\":\"tick\",\"params\":[1]}", ws.next());
    }
  }

  @Test
  void subscriptionsEndWithTheirConnection() throws Exception {
    start();
    JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri());
    request(ws, 1, "rpc.on", "[\"feed\",\"tick\"]");
    ServerConnection c = server.connections().iterator().next();
    assertEquals(1, server.events().subscribers("tick").size());
    ws.close(); // aborts the socket
    c.closeFuture().get(WAIT, TimeUnit.SECONDS);
    assertTrue(server.events().subscribers("feed").isEmpty());
    assertTrue(server.events().subscribers("tick").isEmpty());
    assertEquals(Set.of(), c.subscriptions());
    assertEquals(0, server.events().publish("tick", 1));
  }

  @Test
  void eventsDeclaredAtRunTimeCanBeSubscribed() throws Exception {
    start();
    assertEquals(Set.of("feed", "tick"), server.events().names());
    assertTrue(server.events().declare("late"));
    assertFalse(server.events().declare("late"));
    assertTrue(server.events().isDeclared("late"));
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      assertJson("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"late\":\"ok\"}}", request(ws, 1, "rpc.on", "[\"late\"]"));
      assertEquals(1, server.events().publish("late", Map.of("k", true)));
      assertJson("{\"jsonrpc\":\"2.0\",\"method\":\"late\",\"params\":[{\"k\":true}]}", ws.next());
    }
  }

  @Test
  void publishRefusesUndeclaredEventsAndMessagesOverTheLimit() throws Exception {
    server = RpcServer.builder().event("big").maxMessageSize(256).build().start();
    assertThrows(IllegalArgumentException.class, () -> server.events().publish("nope", 1));
    assertThrows(IllegalArgumentException.class, () -> server.events().subscribers("nope"));
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      request(ws, 1, "rpc.on", "[\"big\"]");
      RpcException e = assertThrows(RpcException.class, () -> server.events().publish("big", "x".repeat(300)));
      assertEquals(ErrorCodes.LIMIT_EXCEEDED, e.code());
      assertTrue(e.data().toString().contains("over the limit of 256"), e.data().toString());
      assertThrows(IllegalArgumentException.class, () -> server.events().publish("big", Double.NaN));
      assertEquals(1, server.events().publish("big", "small"));
      assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"big\",\"params\":[\"small\"]}", ws.next());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The Java client

  @Test
  void javaClientReceivesTypedEventsInBothForms() throws Exception {
    start();
    BlockingQueue<Feed> feeds = new LinkedBlockingQueue<>();
    try (ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect()) {
      Subscription s = connection.subscribe("feed", Feed.class, feeds::add);
      assertEquals("feed", s.event());
      assertTrue(s.isActive());
      assertEquals(1, server.events().publish("feed", new Feed(1, "json-rpc form")));
      assertEquals(new Feed(1, "json-rpc form"), feeds.poll(WAIT, TimeUnit.SECONDS));
      server.connections().iterator().next().eventForm(EventForm.RPC_WEBSOCKETS);
      assertEquals(1, server.events().publish("feed", new Feed(2, "rpc-websockets form")));
      assertEquals(new Feed(2, "rpc-websockets form"), feeds.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void javaClientSubscriptionWithAGenericType() throws Exception {
    start();
    BlockingQueue<List<Feed>> got = new LinkedBlockingQueue<>();
    try (ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect()) {
      connection.subscribe("feed", new TypeToken<List<Feed>>() {}, got::add);
      server.events().publish("feed", List.of(new Feed(1, "a"), new Feed(2, "b")));
      assertEquals(List.of(new Feed(1, "a"), new Feed(2, "b")), got.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void javaClientSubscriptionToAnUndeclaredEventIsRefused() throws Exception {
    start();
    try (ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect()) {
      RpcException e = assertThrows(RpcException.class,
          () -> connection.subscribe("nope", Feed.class, f -> {}));
      assertEquals(ErrorCodes.INVALID_PARAMS, e.code());
      assertEquals(json("{\"nope\":\"provided event invalid\"}"), e.data());
      // The refused subscription left nothing behind: a later one sends rpc.on again.
      server.events().declare("nope");
      BlockingQueue<Feed> feeds = new LinkedBlockingQueue<>();
      connection.subscribe("nope", Feed.class, feeds::add);
      server.events().publish("nope", new Feed(3, "now"));
      assertEquals(new Feed(3, "now"), feeds.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @Test
  void handlersOfOneEventShareOneServerSubscription() throws Exception {
    start();
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    try (ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect()) {
      Subscription first = connection.subscribe("tick", Integer.class, n -> got.add("first " + n));
      Subscription second = connection.subscribe("tick", Integer.class, n -> got.add("second " + n));
      serverSent("\"tick\":\"ok\"");
      server.events().publish("tick", 1);
      assertEquals("first 1", got.poll(WAIT, TimeUnit.SECONDS));
      assertEquals("second 1", got.poll(WAIT, TimeUnit.SECONDS));
      first.close();
      first.close(); // idempotent
      assertFalse(first.isActive());
      assertEquals(Set.of("tick"), server.connections().iterator().next().subscriptions());
      server.events().publish("tick", 2);
      assertEquals("second 2", got.poll(WAIT, TimeUnit.SECONDS));
      second.close();
      serverSent("\"result\":{\"tick\":\"ok\"}"); // the answer to rpc.off: the server has dropped it
      assertTrue(server.events().subscribers("tick").isEmpty());
      assertNull(got.poll());
      assertEquals(1, rpcOnReceived.get(), "two handlers, one rpc.on");
    }
  }

  @Test
  void failingHandlerDoesNotStopTheOthersOrLaterEvents() throws Exception {
    start();
    BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
    AtomicInteger failures = new AtomicInteger();
    try (ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect()) {
      connection.subscribe("tick", Integer.class, n -> {
        failures.incrementAndGet();
        throw new IllegalStateException("handler failure " + n);
      });
      connection.subscribe("tick", Integer.class, got::add);
      server.events().publish("tick", 1);
      server.events().publish("tick", 2);
      assertEquals(1, got.poll(WAIT, TimeUnit.SECONDS));
      assertEquals(2, got.poll(WAIT, TimeUnit.SECONDS));
      assertEquals(2, failures.get());
    }
  }

  @Test
  void subscribeOnAClosedConnectionFails() throws Exception {
    start();
    ClientConnection connection = RpcClient.builder().uri(server.uri()).build().connect();
    Sync.registered(connection);
    connection.close();
    assertThrows(dev.duplexrpc.core.ConnectionClosedException.class,
        () -> connection.subscribe("tick", Integer.class, n -> {}));
  }
}
