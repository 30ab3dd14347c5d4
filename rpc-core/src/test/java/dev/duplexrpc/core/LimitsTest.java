package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertBatchEquals;
import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Limits: nesting depth, batch size, message size and requests in flight, each at and over the limit.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class LimitsTest extends EdgeCaseFixture {

  private static String nested(int levels) {
    return "[".repeat(levels) + "1" + "]".repeat(levels);
  }

  @Test
  void nestingAtTheLimitIsAccepted() {
    connect(Peer.builder().config(PeerConfig.builder().maxNestingDepth(8).build()));
    // envelope (1) + params array (2) + 6 levels of value = 8
    raw.send(request("1", "echoJson", "[" + nested(6) + "]"));
    assertJsonEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + nested(6) + "}", raw.nextFrame());
  }

  @Test
  void nestingDeeperThanTheLimitGetsMinus32003() {
    connect(Peer.builder().config(PeerConfig.builder().maxNestingDepth(8).build()));
    raw.send(request("1", "echoJson", "[" + nested(7) + "]"));
    JsonObject reply = raw.nextJson().getAsJsonObject();
    assertTrue(reply.get("id").isJsonNull(), reply.toString());
    JsonObject error = reply.getAsJsonObject("error");
    assertEquals(-32003, error.get("code").getAsInt(), reply.toString());
    assertEquals("Limit exceeded", error.get("message").getAsString(), reply.toString());
    assertTrue(error.getAsJsonObject("data").get("reason").getAsString().contains("8"), reply.toString());
    raw.assertNothingSent(); // and the connection still serves
  }

  @Test
  void batchAtTheLimitIsAnswered() {
    connect(Peer.builder().config(PeerConfig.builder().maxBatchSize(3).build()));
    raw.send("[" + request("1", "echo", "[\"a\"]") + "," + request("2", "echo", "[\"b\"]") + ","
        + request("3", "echo", "[\"c\"]") + "]");
    assertBatchEquals(
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"b\"},"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"c\"}]",
        raw.nextFrame());
  }

  @Test
  void batchLongerThanTheLimitGetsOneMinus32003Object() {
    connect(Peer.builder().config(PeerConfig.builder().maxBatchSize(3).build()));
    raw.send("[" + request("1", "echo", "[\"a\"]") + "," + request("2", "echo", "[\"b\"]") + ","
        + request("3", "echo", "[\"c\"]") + "," + request("4", "echo", "[\"d\"]") + "]");
    JsonElement reply = raw.nextJson();
    assertTrue(reply.isJsonObject(), "one error object, not an array: " + reply);
    JsonObject o = reply.getAsJsonObject();
    assertTrue(o.get("id").isJsonNull(), reply.toString());
    assertEquals(-32003, o.getAsJsonObject("error").get("code").getAsInt(), reply.toString());
    assertEquals("Limit exceeded", o.getAsJsonObject("error").get("message").getAsString());
    assertTrue(o.getAsJsonObject("error").getAsJsonObject("data").get("reason").getAsString()
        .contains("3"), reply.toString());
    raw.assertNothingSent();
  }

  @Test
  void messageAtTheSizeLimitIsAccepted() {
    connect(Peer.builder().config(PeerConfig.builder().maxMessageSize(256).build()));
    String base = request("1", "echo", "[\"x\"]");
    String message = base + " ".repeat(256 - base.length());
    assertEquals(256, message.length());
    raw.send(message);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"x\"}", raw.nextFrame());
  }

  @Test
  void messageOverTheSizeLimitClosesWith1009() throws Exception {
    Peer peer = connect(Peer.builder().config(PeerConfig.builder().maxMessageSize(256).build())).peer();
    String base = request("1", "echo", "[\"x\"]");
    raw.send(base + " ".repeat(257 - base.length()));
    RawEnd.Closed closed = raw.nextClose();
    assertEquals(1009, closed.code(), closed.toString());
    assertTrue(closed.reason().contains("257"), closed.toString());
    ConnectionClosedException e = peer.closeFuture().get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1009, e.closeCode());
    assertFalse(peer.isOpen());
  }

  @Test
  void responseOverTheSizeLimitIsReplacedByMinus32003() {
    connect(Peer.builder().config(PeerConfig.builder().maxMessageSize(256).build()));
    raw.send(request("1", "repeat", "[\"abcd\",100]"));
    JsonObject reply = raw.nextJson().getAsJsonObject();
    assertEquals(1, reply.get("id").getAsInt(), reply.toString());
    assertFalse(reply.has("result"), reply.toString());
    assertEquals(-32003, reply.getAsJsonObject("error").get("code").getAsInt(), reply.toString());
    assertTrue(reply.toString().length() <= 256, reply.toString());
  }

  @Test
  void requestOverMaxInFlightGetsMinus32000() throws Exception {
    connect(Peer.builder().config(PeerConfig.builder().maxInFlight(1).build()));
    raw.send(request("1", "block", "[\"t\"]"));
    assertTrue(edge.blockEntered.await(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    raw.send(request("2", "echo", "[\"x\"]"));
    JsonObject reply = raw.nextJson().getAsJsonObject();
    assertEquals(2, reply.get("id").getAsInt(), reply.toString());
    JsonObject error = reply.getAsJsonObject("error");
    assertEquals(-32000, error.get("code").getAsInt(), reply.toString());
    assertEquals("Overloaded", error.get("message").getAsString(), reply.toString());
    assertFalse(error.getAsJsonObject("data").get("reason").getAsString().isBlank());
    edge.release.countDown();
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"t\"}", raw.nextFrame());
    raw.send(request("3", "echo", "[\"y\"]")); // the slot is free again
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"y\"}", raw.nextFrame());
  }

  /**
   * A request's in-flight slot is free before its response goes out, so a client that waits for
   * each response before sending the next request is never told it is overloaded. The Peer's
   * transport holds the thread that sent the first response until the next request is answered,
   * which keeps open the window between sending a response and freeing its slot.
   */
  @Test
  void inFlightSlotIsFreeBeforeTheResponseIsSent() {
    CountDownLatch nextAnswered = new CountDownLatch(1);
    String held = "{\"jsonrpc\":\"2.0\",\"id\":1,";
    raw = RawEnd.connect(Peer.builder().service(edge).config(PeerConfig.builder().maxInFlight(1).build()), t -> new Transport() {
      @Override
      public void start(Listener listener) {
        t.start(listener);
      }

      @Override
      public CompletionStage<Void> send(String message) {
        CompletionStage<Void> sent = t.send(message);
        if (message.startsWith(held)) {
          try {
            nextAnswered.await(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return sent;
      }

      @Override
      public void close(int code, String reason) {
        t.close(code, reason);
      }
    });
    try {
      raw.send(request("1", "echo", "[\"a\"]"));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a\"}", raw.nextFrame());
      raw.send(request("2", "echo", "[\"b\"]"));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"b\"}", raw.nextFrame());
    } finally {
      nextAnswered.countDown();
    }
  }
}
