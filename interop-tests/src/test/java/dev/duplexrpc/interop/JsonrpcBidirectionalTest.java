package dev.duplexrpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.RpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Node library {@code jsonrpc-bidirectional} (the pinned version in
 * src/test/node/package.json) in bidirectional WebSocket mode against a Duplex RPC server: its
 * client calls the Java server, and the Java server calls the endpoint the Node side exposes,
 * over the one socket, also from inside a handler of a Node call. Run by jb-client.mjs.
 */
class JsonrpcBidirectionalTest {
  static final long WAIT = Node.LINE_SECONDS;

  /** What the Java server serves. */
  public interface JavaApi {
    @RpcMethod
    int add(int a, int b);

    @RpcNotification
    void note(String text);

    /** Calls the Node side's {@code double(n)} before answering. */
    @RpcMethod
    String callMeBack(int n);

    /** Calls the Node side's greet, remember (a notification) and fail. */
    @RpcMethod
    String callNode(String name);

    /** Publishes the event "feed"; returns how many connections got it. */
    @RpcMethod
    int publishFeed(int id);
  }

  /** A typed event payload. */
  record Feed(int id, String title) {}

  /** What jb-client.mjs's endpoint exposes. */
  public interface NodeApi {
    @RpcMethod("double")
    int doubled(int n);

    @RpcMethod
    String greet(String name);

    @RpcNotification
    void remember(String text);

    @RpcMethod
    String fail();
  }

  private final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
  private RpcServer server;

  private final JavaApi java = new JavaApi() {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }

    @Override
    public String callMeBack(int n) {
      NodeApi node = CallContext.current().peer().remote(NodeApi.class);
      return "node doubled " + n + " to " + node.doubled(n);
    }

    @Override
    public String callNode(String name) {
      NodeApi node = CallContext.current().peer().remote(NodeApi.class);
      String greeting = node.greet(name);
      node.remember("from java");
      String failure;
      try {
        failure = "no failure: " + node.fail();
      } catch (RpcException e) {
        failure = e.code() + " " + e.errorMessage();
      }
      return greeting + " | " + failure;
    }

    @Override
    public int publishFeed(int id) {
      return server.events().publish("feed", new Feed(id, "from java"));
    }
  };

  private static void assertValue(String expectedJson, JsonObject step) {
    assertFalse(step.has("error"), () -> "step failed: " + step);
    assertEquals(JsonParser.parseString(expectedJson), step.get("value"), () -> "step " + step);
  }

  @Test
  void nodeClientAndJavaServerCallEachOtherOverOneSocket() throws Exception {
    RpcServer started = RpcServer.builder().path("/rpc").service(java).event("feed")
        .interceptor(Tracing.on()).build().start();
    server = started;
    try (started; Node.Script node = Node.start("jb-client.mjs", started.uri().toString())) {
      assertValue("5", node.step("call"));

      JsonObject missing = node.step("missing");
      assertTrue(missing.has("error"), missing::toString);
      assertEquals(-32601, missing.getAsJsonObject("error").get("code").getAsInt(), missing::toString);
      assertEquals("Method not found", missing.getAsJsonObject("error").get("message").getAsString());

      assertValue("null", node.step("notify"));
      assertEquals("fire and forget", notes.poll(WAIT, TimeUnit.SECONDS));

      assertValue("\"node doubled 21 to 42\"", node.step("callback"));

      // The notification's line and the step's line, in whichever order Node prints them.
      List<JsonObject> lines = new ArrayList<>(List.of(node.next(), node.next()));
      JsonObject remembered = JsonParser.parseString("{\"remembered\":\"from java\"}").getAsJsonObject();
      assertTrue(lines.remove(remembered), () -> "the Node endpoint did not get remember(): " + lines);
      JsonObject step = lines.get(0);
      assertEquals("javaCallsNode", step.get("step").getAsString(), step::toString);
      // A JSONRPC.Exception's own code (-1) and message reach the Java caller.
      assertValue("\"hello java, from jsonrpc-bidirectional | -1 failed on purpose\"", step);

      assertValue("{\"count\":100,\"wrong\":0}", node.step("concurrentCallbacks"));

      // Events: rpc.on through its client, and the JSON-RPC form reaches the endpoint method
      // named after the event.
      assertValue("{\"feed\":\"ok\",\"nope\":\"provided event invalid\"}", node.step("subscribe"));
      assertEquals(JsonParser.parseString("{\"event\":{\"id\":7,\"title\":\"from java\"}}"), node.next());
      assertValue("1", node.step("publish"));
      assertEquals(0, node.awaitExit(), node::diagnostics);
    }
  }
}
