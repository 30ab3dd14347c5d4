package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcParam;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * What the wire edge-case tests share: the {@link EdgeService} they call, one {@link RawEnd}
 * connected to a real {@link Peer} that serves it, {@link #request} to write a request's exact
 * text, and a check that nothing more was sent after each test.
 */
abstract class EdgeCaseFixture {

  /** The methods the edge cases call. */
  public interface EdgeService {
    /**
     * Echoes a string.
     *
     * @param value a string or null
     * @return the same value
     */
    @RpcMethod
    String echo(String value);

    /**
     * {@code minuend - subtrahend}.
     *
     * @param minuend the number to subtract from
     * @param subtrahend the number to subtract
     * @return the difference
     */
    @RpcMethod
    int subtract(int minuend, int subtrahend);

    /**
     * Describes its three params, to show which value went where.
     *
     * @param name a string
     * @param count a number
     * @param flag a boolean
     * @return {@code name/count/flag}
     */
    @RpcMethod
    String describe(String name, int count, boolean flag);

    /** A request without a result. */
    @RpcMethod
    void touch();

    /**
     * Describes what each of its optional params became.
     *
     * @param required a required string
     * @param text an optional string
     * @param maybe an optional number
     * @param count an optional primitive
     * @return {@code required|text|maybe|count}
     */
    @RpcMethod
    String optionals(
        String required,
        @RpcParam(optional = true) String text,
        Optional<Integer> maybe,
        @RpcParam(optional = true) int count);

    /**
     * Echoes any JSON value.
     *
     * @param value a JSON value
     * @return the same value
     */
    @RpcMethod
    JsonElement echoJson(JsonElement value);

    /**
     * Adds numbers.
     *
     * @param values the numbers
     * @return their sum
     */
    @RpcMethod
    long total(List<Long> values);

    /**
     * Repeats a string.
     *
     * @param s a string
     * @param times how often
     * @return {@code s} repeated
     */
    @RpcMethod
    String repeat(String s, int times);

    /**
     * Waits until the test releases it.
     *
     * @param token returned when released
     * @return the token
     */
    @RpcMethod
    String block(String token);

    /**
     * Throws an {@link RpcException}.
     *
     * @return never
     */
    @RpcMethod
    String throwRpc();

    /**
     * Returns a future failed with an {@link RpcException}.
     *
     * @return a failed future
     */
    @RpcMethod
    CompletableFuture<String> failRpc();

    /**
     * Returns a future that fails later with an {@link RpcException} (wrapped by the future).
     *
     * @return a future that fails
     */
    @RpcMethod
    CompletionStage<String> failRpcLater();

    /**
     * Throws an {@link IllegalStateException}.
     *
     * @return never
     */
    @RpcMethod
    String throwPlain();

    /**
     * Returns a future failed with an {@link IllegalStateException}.
     *
     * @return a failed future
     */
    @RpcMethod
    CompletableFuture<String> failPlain();

    /**
     * Returns a future that fails later with an {@link IllegalStateException}.
     *
     * @return a future that fails
     */
    @RpcMethod
    CompletableFuture<String> failPlainLater();
  }

  /** The handlers; {@link #block} waits for {@link #release}. */
  static final class Edge implements EdgeService {
    final CountDownLatch blockEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String echo(String value) {
      return value;
    }

    @Override
    public int subtract(int minuend, int subtrahend) {
      return minuend - subtrahend;
    }

    @Override
    public String describe(String name, int count, boolean flag) {
      return name + "/" + count + "/" + flag;
    }

    @Override
    public void touch() {}

    @Override
    public String optionals(String required, String text, Optional<Integer> maybe, int count) {
      return required + "|" + text + "|" + maybe + "|" + count;
    }

    @Override
    public JsonElement echoJson(JsonElement value) {
      return value;
    }

    @Override
    public long total(List<Long> values) {
      return values.stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String repeat(String s, int times) {
      return s.repeat(times);
    }

    @Override
    public String block(String token) {
      blockEntered.countDown();
      try {
        if (!release.await(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("block was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return token;
    }

    @Override
    public String throwRpc() {
      throw appError();
    }

    @Override
    public CompletableFuture<String> failRpc() {
      return CompletableFuture.failedFuture(appError());
    }

    @Override
    public CompletionStage<String> failRpcLater() {
      return CompletableFuture.supplyAsync(() -> {
        throw appError();
      });
    }

    @Override
    public String throwPlain() {
      throw new IllegalStateException("boom");
    }

    @Override
    public CompletableFuture<String> failPlain() {
      return CompletableFuture.failedFuture(new IllegalStateException("boom"));
    }

    @Override
    public CompletableFuture<String> failPlainLater() {
      return CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("boom");
      });
    }

    static RpcException appError() {
      JsonObject data = new JsonObject();
      data.addProperty("field", "owner");
      data.add("limits", WireJson.parse("[1,2]"));
      return new RpcException(-32010, "Owner required", data);
    }
  }

  final Edge edge = new Edge();
  RawEnd raw;

  @AfterEach
  void exhausted() {
    if (raw != null) {
      try {
        raw.assertExhausted();
      } finally {
        edge.release.countDown();
        raw.close();
      }
    }
  }

  RawEnd connect() {
    return connect(Peer.builder());
  }

  RawEnd connect(Peer.Builder builder) {
    raw = RawEnd.connect(builder.service(edge));
    return raw;
  }

  static String request(String id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}";
  }

  static void assertInvalidParams(String reply, String id, String parameter) {
    JsonObject o = WireJson.parse(reply).getAsJsonObject();
    assertEquals(WireJson.parse(id), o.get("id"), reply);
    assertFalse(o.has("result"), reply);
    JsonObject error = o.getAsJsonObject("error");
    assertEquals(-32602, error.get("code").getAsInt(), reply);
    assertEquals("Invalid params", error.get("message").getAsString(), reply);
    JsonObject data = error.getAsJsonObject("data");
    assertTrue(data != null, reply);
    if (parameter == null) {
      assertFalse(data.has("parameter"), reply);
    } else {
      assertEquals(parameter, data.get("parameter").getAsString(), reply);
    }
    assertFalse(data.get("reason").getAsString().isBlank(), reply);
  }
}
