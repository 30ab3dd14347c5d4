package dev.duplexrpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.EventForm;
import dev.duplexrpc.server.RpcServer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Node library {@code rpc-websockets}' {@code Client} (the pinned version in
 * src/test/node/package.json) against a Duplex RPC server: positional and named params,
 * notifications, a missing method, subscribing to an event and receiving it in both event forms,
 * what a server's own notifications and requests do to such a client, and 200 concurrent calls.
 * The script rw-client.mjs prints one line per step; this test checks each.
 */
class RpcWebsocketsClientTest {
  static final long WAIT = Node.LINE_SECONDS;

  /** A typed event payload. */
  record Feed(int id, String title) {}

  /** What the Node client calls. */
  public interface Calc {
    @RpcMethod
    int sum(int a, int b);

    @RpcMethod
    int subtract(int minuend, int subtrahend);

    @RpcMethod
    void touch();

    @RpcNotification
    void log(String message);

    /** Publishes "feed" to every subscriber; returns how many got it. */
    @RpcMethod
    int publishFeed(int id);

    /** Sends the caller a JSON-RPC notification "announce". */
    @RpcMethod
    void announce(String text);

    /** Sends the caller a request with an id and reports what became of it. */
    @RpcMethod
    String askClient() throws Exception;
  }

  private final BlockingQueue<String> logs = new LinkedBlockingQueue<>();
  private RpcServer server;

  private final Calc calc = new Calc() {
    @Override
    public int sum(int a, int b) {
      return a + b;
    }

    @Override
    public int subtract(int minuend, int subtrahend) {
      return minuend - subtrahend;
    }

    @Override
    public void touch() {}

    @Override
    public void log(String message) {
      logs.add(message);
    }

    @Override
    public int publishFeed(int id) {
      return server.events().publish("feed", new Feed(id, "from java"));
    }

    @Override
    public void announce(String text) {
      CallContext.current().peer().notify("announce", text);
    }

    @Override
    public String askClient() throws Exception {
      try {
        return CallContext.current().peer()
            .<String>call(Duration.ofMillis(300), "question", String.class, "anyone?").get();
      } catch (ExecutionException e) {
        return "no answer: " + ((RpcException) e.getCause()).code();
      }
    }
  };

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private static void assertValue(String expectedJson, JsonObject step) {
    assertFalse(step.has("error"), () -> "step failed: " + step);
    assertEquals(JsonParser.parseString(expectedJson), step.get("value"), () -> "step " + step);
  }

  private static void assertError(String expectedJson, JsonObject step) {
    assertTrue(step.has("error"), () -> "step should have failed: " + step);
    assertEquals(JsonParser.parseString(expectedJson), step.get("error"), () -> "step " + step);
  }

  @Test
  void rpcWebsocketsClientCallsSubscribesAndReceivesEventsFromJavaServer() throws Exception {
    server = RpcServer.builder()
        .path("/rpc")
        .service(calc)
        .interceptor(Tracing.on())
        .event("feed")
        .connectionListener(setup -> {
          if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
            setup.eventForm(EventForm.RPC_WEBSOCKETS);
          }
        })
        .build()
        .start();
    String compat = server.uri() + "?events=rpc-websockets";
    try (Node.Script node = Node.start("rw-client.mjs", compat, server.uri().toString())) {
      assertValue("8", node.step("positional"));
      assertValue("6", node.step("named"));
      assertValue("null", node.step("void")); // "result": null resolves the client's promise
      assertValue("null", node.step("notify"));
      assertEquals("hello from rpc-websockets", logs.poll(WAIT, TimeUnit.SECONDS));
      assertError("{\"code\":-32601,\"message\":\"Method not found\"}", node.step("missing"));

      // subscribe() resolves with the server's status map, also for an invalid event.
      assertValue("{\"nope\":\"provided event invalid\"}", node.step("subscribeInvalid"));
      assertValue("{\"feed\":\"ok\"}", node.step("subscribe"));
      // In the rpc-websockets form the client spreads params: the listener gets the payload.
      assertValue("[{\"id\":7,\"title\":\"from java\"}]", node.step("event"));
      assertValue("{\"feed\":\"ok\"}", node.step("unsubscribe"));
      assertValue("0", node.step("eventAfterUnsubscribe"));

      // A server's JSON-RPC notification reaches the client's listener of that name, with the
      // params array as its one argument, subscribed or not.
      assertValue("[[\"to every listener\"]]", node.step("serverNotification"));
      // A request with an id is never answered by this client: the call times out (-32001).
      assertValue("\"no answer: -32001\"", node.step("serverRequest"));

      JsonObject concurrent = node.step("concurrent");
      assertValue("{\"count\":200,\"wrong\":0}", concurrent);

      // In the default JSON-RPC form the client emits the event with the params array as one
      // argument: the listener gets [payload].
      assertValue("{\"feed\":\"ok\"}", node.step("subscribePlain"));
      JsonElement plain = node.step("eventInJsonRpcForm").get("value");
      assertEquals(JsonParser.parseString("[[{\"id\":9,\"title\":\"from java\"}]]"), plain);

      assertEquals(0, node.awaitExit(), node::diagnostics);
    }
  }
}
