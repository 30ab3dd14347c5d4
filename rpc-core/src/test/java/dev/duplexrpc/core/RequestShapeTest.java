package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertBatchEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Results and request shapes: void and null results, requests without method or version, unknown
 * notifications, named params in any key order, whitespace, and responses with ids nobody issued.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class RequestShapeTest extends EdgeCaseFixture {

  @Test
  void voidMethodAnswersResultNull() {
    connect().send(request("1", "touch", null));
    String reply = raw.nextFrame();
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", reply);
    JsonObject o = WireJson.parse(reply).getAsJsonObject();
    assertTrue(o.has("result"), reply);
    assertTrue(o.get("result").isJsonNull(), reply);
    assertFalse(o.has("error"), reply);
  }

  @Test
  void nullReturnValueAnswersResultNull() {
    connect().send(request("1", "echo", "[null]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", raw.nextFrame());
  }

  @Test
  void requestWithoutMethodGetsMinus32600() {
    connect().send("{\"jsonrpc\":\"2.0\",\"id\":5}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":6,\"params\":[1]}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
  }

  @Test
  void requestWithoutJsonrpcVersionGetsMinus32600() {
    connect().send("{\"id\":5,\"method\":\"echo\",\"params\":[\"x\"]}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
  }

  @Test
  void unknownMethodCalledAsNotificationGetsNoReplyAtAll() {
    connect().send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"params\":[1]}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}");
    raw.send("[{\"jsonrpc\":\"2.0\",\"method\":\"nope\"},{\"jsonrpc\":\"2.0\",\"method\":\"nope2\"}]");
    raw.assertNothingSent();
  }

  @Test
  void namedParamsBindByNameInAnyKeyOrder() {
    connect();
    List<List<String>> orders = List.of(
        List.of("name", "count", "flag"), List.of("name", "flag", "count"),
        List.of("count", "name", "flag"), List.of("count", "flag", "name"),
        List.of("flag", "name", "count"), List.of("flag", "count", "name"));
    int id = 0;
    for (List<String> order : orders) {
      StringBuilder params = new StringBuilder("{");
      for (String key : order) {
        if (params.length() > 1) {
          params.append(',');
        }
        params.append('"').append(key).append("\":").append(
            key.equals("name") ? "\"ada\"" : key.equals("count") ? "3" : "true");
      }
      params.append('}');
      id++;
      raw.send(request(Integer.toString(id), "describe", params.toString()));
      assertEquals(
          "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"ada/3/true\"}", raw.nextFrame(),
          "key order " + order);
    }
  }

  @Test
  void whitespaceHeavyJsonIsAccepted() {
    connect().send("\r\n\t {\t\"jsonrpc\"\r\n:\t\"2.0\" ,\n\n\"method\" :\"subtract\"\t,\r\n"
        + " \"params\"\t:\t{ \"subtrahend\" :\n23 ,\t\"minuend\":\r42 } ,\"id\"\t:\n1\r\n}\t\r\n ");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":19}", raw.nextFrame());
    raw.send("\t[\r\n {\"jsonrpc\":\t\"2.0\",\n\"id\":\t\"a\",\r\"method\":\"subtract\",\"params\":\n[\t42\r,\n23\t]}"
        + "\n,\t{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}\r\n]\n");
    assertBatchEquals("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":19}]", raw.nextFrame());
  }

  @Test
  void responseWithUnknownIdIsDroppedAndCallsStillWork() throws Exception {
    Peer peer = connect().peer();
    CompletableFuture<String> first = peer.call("ask", String.class, "q");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ask\",\"params\":[\"q\"]}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"bogus: not yet issued\"}");
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":\"bogus: a string is not our number\"}");
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":99,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}");
    raw.assertNothingSent(); // responses are never answered
    assertEquals(1, peer.pendingCalls());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"right\"}");
    assertEquals("right", first.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));

    CompletableFuture<String> second = peer.call("ask", String.class, "again");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ask\",\"params\":[\"again\"]}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"second\"}");
    assertEquals("second", second.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertTrue(peer.isOpen());
    assertEquals(0, peer.pendingCalls());
  }
}
