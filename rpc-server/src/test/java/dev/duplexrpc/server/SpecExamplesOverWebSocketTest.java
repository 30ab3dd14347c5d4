package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every example of section 7 of the JSON-RPC 2.0 specification, sent as a hand-written text frame
 * by the JDK's WebSocket client to a server built with {@link RpcServer#builder()}, with the exact
 * reply asserted. "Nothing is returned" is shown by a probe request whose reply must be the next
 * frame.
 */
class SpecExamplesOverWebSocketTest {

  /** The methods the specification's examples call. */
  public interface SpecService {
    @RpcMethod
    int subtract(@RpcParam("minuend") int minuend, @RpcParam("subtrahend") int subtrahend);

    @RpcMethod
    int sum(int a, int b, int c);

    @RpcMethod("get_data")
    List<Object> getData();

    @RpcNotification
    void update(int a, int b, int c, int d, int e);

    @RpcNotification("notify_hello")
    void notifyHello(int n);

    @RpcNotification("notify_sum")
    void notifySum(int a, int b, int c);

    @RpcMethod
    String probe();
  }

  static final BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
  static RpcServer server;
  JdkWebSocketClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server = RpcServer.builder().path("/rpc").service(new SpecService() {
      @Override public int subtract(int minuend, int subtrahend) { return minuend - subtrahend; }
      @Override public int sum(int a, int b, int c) { return a + b + c; }
      @Override public List<Object> getData() { return List.of("hello", 5); }
      @Override public void update(int a, int b, int c, int d, int e) { notifications.add("update"); }
      @Override public void notifyHello(int n) { notifications.add("notify_hello " + n); }
      @Override public void notifySum(int a, int b, int c) { notifications.add("notify_sum " + (a + b + c)); }
      @Override public String probe() { return "probe"; }
    }).build().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() throws Exception {
    notifications.clear();
    client = JdkWebSocketClient.connect(server.uri());
  }

  @AfterEach
  void disconnect() {
    assertEquals(0, client.pending(), "unexpected frames");
    client.close();
  }

  private String call(String request) throws Exception {
    client.send(request);
    return client.next();
  }

  /** Shows that nothing was sent back for what came before: the probe's reply is next. */
  private void assertNothingReturned() throws Exception {
    client.send("{\"jsonrpc\":\"2.0\",\"method\":\"probe\",\"id\":\"probe\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"probe\",\"result\":\"probe\"}", client.next());
  }

  /** Asserts a batch reply is exactly these elements, in any order (the specification allows it). */
  private static void assertBatch(String reply, String... elements) {
    assertTrue(reply.startsWith("[") && reply.endsWith("]"), reply);
    int length = 2 + elements.length - 1;
    for (String e : elements) {
      assertTrue(reply.contains(e), "missing " + e + " in " + reply);
      length += e.length();
    }
    assertEquals(length, reply.length(), "extra content in " + reply);
  }

  @Test
  void positionalParams() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":19}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":-19}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}"));
  }

  @Test
  void namedParams() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":19}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":19}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}"));
  }

  @Test
  void notificationsGetNoReply() throws Exception {
    client.send("{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}");
    client.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}");
    assertNothingReturned();
    assertEquals("update", notifications.poll(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void nonExistentMethodGetsMinus32601() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}"));
  }

  @Test
  void invalidJsonGetsParseError() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
        call("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]"));
  }

  @Test
  void invalidRequestObjectGetsMinus32600() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        call("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}"));
  }

  @Test
  void batchWithInvalidJsonGetsOneParseError() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
        call("[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
            + "  {\"jsonrpc\": \"2.0\", \"method\"\n]"));
  }

  @Test
  void emptyBatchGetsOneInvalidRequest() throws Exception {
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        call("[]"));
  }

  @Test
  void invalidNonEmptyBatchGetsArrayOfOneError() throws Exception {
    assertEquals("[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}]",
        call("[1]"));
  }

  @Test
  void invalidBatchGetsOneErrorPerElement() throws Exception {
    String error = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}";
    assertEquals("[" + error + "," + error + "," + error + "]", call("[1,2,3]"));
  }

  @Test
  void mixedBatchGetsRepliesForRequestsOnly() throws Exception {
    String reply = call("[\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},\n"
        + "  {\"foo\": \"boo\"},\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"}\n"
        + "]");
    assertBatch(reply,
        "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"result\":19}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"5\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"9\",\"result\":[\"hello\",5]}");
    assertEquals("notify_hello 7", notifications.poll(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void batchOfNotificationsGetsNothing() throws Exception {
    client.send("[\n  {\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},\n"
        + "  {\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]}\n]");
    assertNothingReturned();
    assertEquals("notify_sum 7", notifications.poll(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("notify_hello 7", notifications.poll(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS));
  }
}
