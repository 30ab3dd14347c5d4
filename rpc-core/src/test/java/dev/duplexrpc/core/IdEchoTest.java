package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ids: zero, empty, huge, fractional, string and escaped ids come back exactly as sent; ids of the
 * wrong type get -32600 with a null id.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class IdEchoTest extends EdgeCaseFixture {

  @Test
  void zeroIdGetsReply() {
    connect().send(request("0", "echo", "[\"x\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":\"x\"}", raw.nextFrame());
    raw.send(request("0", "nope", null));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        raw.nextFrame());
  }

  @Test
  void emptyStringIdGetsReply() {
    connect().send(request("\"\"", "echo", "[\"x\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"\",\"result\":\"x\"}", raw.nextFrame());
    raw.send(request("\"\"", "nope", null));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        raw.nextFrame());
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"12345678901234567890", "-98765432109876543210987654321", "1.5", "-0",
      "1e3", "1E+3", "-1.25e-7", "0.0", "9223372036854775808"})
  void largeAndFractionalIdsAreEchoedByteForByte(String id) {
    connect().send(request(id, "echo", "[\"x\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"x\"}", raw.nextFrame());
    raw.send(request(id, "nope", null)); // answered on the reading thread, by another path
    String error = raw.nextFrame();
    assertTrue(error.startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":"), error);
    raw.send("{\"jsonrpc\":\"1.0\",\"id\":" + id + ",\"method\":\"echo\"}"); // invalid request
    error = raw.nextFrame();
    assertTrue(error.startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32600"), error);
  }

  @ParameterizedTest(name = "id {0}")
  @ValueSource(strings = {"\"7\"", "\"12345678901234567890\"", "\"1.5\"", "\"null\""})
  void stringIdStaysString(String id) {
    connect().send(request(id, "echo", "[\"x\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"x\"}", raw.nextFrame());
  }

  @Test
  void stringIdWithEscapesComesBackAsTheSameString() {
    String id = "\"q\\\"b\\\\s\\u00e9<\\n\\ud83d\\ude00\"";
    connect().send(request(id, "echo", "[\"x\"]"));
    JsonObject reply = raw.nextJson().getAsJsonObject();
    assertEquals(WireJson.parse(id), reply.get("id"));
    assertEquals("q\"b\\s\u00e9<\n\ud83d\ude00", reply.get("id").getAsString());
  }

  @Test
  void nullIdRequestIsAnsweredWithNullId() {
    connect().send(request("null", "echo", "[\"x\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":\"x\"}", raw.nextFrame());
  }

  @Test
  void idOfWrongTypeGetsInvalidRequestWithNullId() {
    connect().send(request("{\"a\":1}", "echo", "[\"x\"]"));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
    raw.send(request("[1]", "echo", "[\"x\"]"));
    assertJsonEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
    raw.send(request("true", "echo", "[\"x\"]"));
    assertJsonEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
  }
}
