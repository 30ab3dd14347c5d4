package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static dev.duplexrpc.core.WireJson.assertBatchEquals;
import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Transport;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Wire behaviour beyond the specification's examples: ids, results, invalid requests and params,
 * optional params, limits, handler failures and registration errors. Each test sends exact text
 * from a {@link RawEnd} to a real {@link Peer}.
 */
class WireEdgeCasesTest {

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

  private final Edge edge = new Edge();
  private RawEnd raw;

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

  private RawEnd connect() {
    return connect(Peer.builder());
  }

  private RawEnd connect(Peer.Builder builder) {
    raw = RawEnd.connect(builder.service(edge));
    return raw;
  }

  private static String request(String id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // Ids

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

  // ---------------------------------------------------------------------------------------------
  // Results and requests

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

  // ---------------------------------------------------------------------------------------------
  // Invalid params

  private static void assertInvalidParams(String reply, String id, String parameter) {
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

  @Test
  void missingRequiredParamGetsMinus32602NamingIt() {
    connect().send(request("1", "subtract", "[42]"));
    assertInvalidParams(raw.nextFrame(), "1", "subtrahend");
    raw.send(request("2", "subtract", "{\"subtrahend\":23}"));
    assertInvalidParams(raw.nextFrame(), "2", "minuend");
    raw.send(request("3", "subtract", null));
    assertInvalidParams(raw.nextFrame(), "3", "minuend");
  }

  @Test
  void unknownNamedParamGetsMinus32602NamingIt() {
    connect().send(request("1", "subtract", "{\"minuend\":42,\"subtrahend\":23,\"extra\":1}"));
    assertInvalidParams(raw.nextFrame(), "1", "extra");
  }

  @Test
  void tooManyPositionalParamsGetMinus32602SayingHowMany() {
    connect().send(request("1", "subtract", "[42,23,1]"));
    String reply = raw.nextFrame();
    assertInvalidParams(reply, "1", null); // no parameter of that position exists to name
    String reason = WireJson.parse(reply).getAsJsonObject().getAsJsonObject("error")
        .getAsJsonObject("data").get("reason").getAsString();
    assertTrue(reason.contains("2") && reason.contains("3"), reason);
  }

  @Test
  void wrongTypeParamGetsMinus32602NamingIt() {
    connect().send(request("1", "subtract", "[\"x\",23]"));
    assertInvalidParams(raw.nextFrame(), "1", "minuend");
    raw.send(request("2", "subtract", "{\"minuend\":42,\"subtrahend\":{}}"));
    assertInvalidParams(raw.nextFrame(), "2", "subtrahend");
    raw.send(request("3", "describe", "[\"ada\",[3],true]"));
    assertInvalidParams(raw.nextFrame(), "3", "count");
    raw.send(request("4", "echo", "[{\"a\":1}]"));
    assertInvalidParams(raw.nextFrame(), "4", "value");
  }

  @Test
  void fractionalNumberForIntegerParamGetsMinus32602InsteadOfBeingTruncated() {
    connect().send(request("1", "subtract", "[1.5,1]"));
    assertInvalidParams(raw.nextFrame(), "1", "minuend");
    raw.send(request("2", "total", "[[1,2.5]]"));
    assertInvalidParams(raw.nextFrame(), "2", "values");
  }

  @Test
  void numberOutOfRangeForIntegerParamGetsMinus32602InsteadOfWrappingAround() {
    connect().send(request("1", "subtract", "[4294967297,0]"));
    assertInvalidParams(raw.nextFrame(), "1", "minuend");
    raw.send(request("2", "total", "[[1,99999999999999999999]]"));
    assertInvalidParams(raw.nextFrame(), "2", "values");
  }

  @Test
  void integralNumbersInAnyNotationBindToIntegerParams() {
    connect().send(request("1", "subtract", "[1e2,-0]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":100}", raw.nextFrame());
    raw.send(request("2", "total", "[[9223372036854775807,-9223372036854775808]]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":-1}", raw.nextFrame());
  }

  @Test
  void fractionalResultForIntegerTypeFailsTheCallWithInvalidResponse() throws Exception {
    Peer peer = connect().peer();
    CompletableFuture<Integer> call = peer.call("ask", Integer.class);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ask\"}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1.5}");
    ExecutionException e = assertThrows(
        ExecutionException.class, () -> call.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof RpcException, e.toString());
    assertEquals(ErrorCodes.INVALID_RESPONSE, ((RpcException) e.getCause()).code());
  }

  @Test
  void nullForRequiredPrimitiveGetsMinus32602NamingIt() {
    connect().send(request("1", "subtract", "[null,23]"));
    assertInvalidParams(raw.nextFrame(), "1", "minuend");
  }

  @Test
  void paramsThatAreNotArrayOrObjectGetMinus32600() {
    connect().send(request("1", "echo", "\"x\""));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
  }

  @Test
  void nullParamsGetMinus32600() {
    connect().send(request("1", "echo", "null"));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
  }

  @Test
  void stringIdsAreEchoedWithoutHtmlEscaping() {
    connect().send("{\"jsonrpc\":\"2.0\",\"id\":\"a<b&c='d'\",\"method\":\"echo\",\"params\":[\"<x>\"]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a<b&c='d'\",\"result\":\"<x>\"}", raw.nextFrame());
  }

  @Test
  void errorObjectWithAFractionalCodeFailsTheCallWithInvalidResponse() throws Exception {
    Peer peer = connect().peer();
    CompletableFuture<String> call = peer.call("ask", String.class, "q");
    raw.nextFrame();
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600.5,\"message\":\"x\"}}");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.INVALID_RESPONSE, assertInstanceOf(RpcException.class, e.getCause()).code());
  }

  @Test
  void errorObjectIsRaisedWithItsCodeMessageAndData() throws Exception {
    Peer peer = connect().peer();
    CompletableFuture<String> call = peer.call("ask", String.class, "q");
    raw.nextFrame();
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32010,\"message\":\"Locked\",\"data\":{\"until\":5}}}");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> call.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    RpcException error = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(-32010, error.code());
    assertEquals("Locked", error.errorMessage());
    assertEquals(5, error.data().getAsJsonObject().get("until").getAsInt());
  }

  // ---------------------------------------------------------------------------------------------
  // Optional params

  @Test
  void omittedOptionalParamsGetNullEmptyOrDefault() {
    connect().send(request("1", "optionals", "[\"r\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
    raw.send(request("2", "optionals", "{\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
    raw.send(request("3", "optionals", "{\"count\":7,\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"r|null|Optional.empty|7\"}", raw.nextFrame());
  }

  @Test
  void explicitNullOptionalParamsGetNullEmptyOrDefault() {
    connect().send(request("1", "optionals", "[\"r\",null,null,null]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
  }

  @Test
  void givenOptionalParamsGetTheirValues() {
    connect().send(request("1", "optionals", "[\"r\",\"t\",5,7]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|t|Optional[5]|7\"}", raw.nextFrame());
    raw.send(request("2", "optionals", "{\"maybe\":5,\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"r|null|Optional[5]|0\"}", raw.nextFrame());
  }

  @Test
  void omittedRequiredParamBeforeOptionalsStillGetsMinus32602() {
    connect().send(request("1", "optionals", "[]"));
    assertInvalidParams(raw.nextFrame(), "1", "required");
    raw.send(request("2", "optionals", "{\"text\":\"t\"}"));
    assertInvalidParams(raw.nextFrame(), "2", "required");
  }

  // ---------------------------------------------------------------------------------------------
  // Limits

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

  // ---------------------------------------------------------------------------------------------
  // Handler failures

  private static final String APP_ERROR =
      "{\"code\":-32010,\"message\":\"Owner required\",\"data\":{\"field\":\"owner\",\"limits\":[1,2]}}";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"throwRpc", "failRpc", "failRpcLater"})
  void rpcExceptionFromHandlerIsSentAsExactlyThatErrorObject(String method) {
    connect().send(request("1", method, null));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":" + APP_ERROR + "}", raw.nextFrame());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"throwPlain", "failPlain", "failPlainLater"})
  void otherHandlerExceptionIsInternalErrorWithoutDataByDefault(String method) {
    connect().send(request("1", method, null));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}",
        raw.nextFrame());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"throwPlain", "failPlain", "failPlainLater"})
  void otherHandlerExceptionCarriesClassAndMessageWhenDetailsAreExposed(String method) {
    connect(Peer.builder().config(PeerConfig.builder().exposeErrorDetails(true).build())).send(request("1", method, null));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\","
            + "\"data\":{\"exception\":\"java.lang.IllegalStateException\",\"message\":\"boom\"}}}",
        raw.nextFrame());
  }

  @Test
  void failedFutureMapsExactlyLikeThrownException() {
    connect(Peer.builder().config(PeerConfig.builder().exposeErrorDetails(true).build()));
    String[][] pairs = {{"throwRpc", "failRpc"}, {"throwRpc", "failRpcLater"},
        {"throwPlain", "failPlain"}, {"throwPlain", "failPlainLater"}};
    for (String[] pair : pairs) {
      raw.send(request("1", pair[0], null));
      String thrown = raw.nextFrame();
      raw.send(request("1", pair[1], null));
      assertEquals(thrown, raw.nextFrame(), pair[0] + " vs " + pair[1]);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Registration errors

  /** Two methods with one wire name. */
  public interface DuplicateNames {
    /** One. */
    @RpcMethod("same")
    void first();

    /** Two. */
    @RpcMethod("same")
    void second();
  }

  /** A notification that returns a value. */
  public interface NotificationWithValue {
    /**
     * Wrong.
     *
     * @return a value nobody can receive
     */
    @RpcNotification
    int ping();
  }

  /** Overloads without distinct wire names. */
  public interface Overloads {
    /**
     * Two numbers.
     *
     * @param a a number
     * @param b a number
     * @return the sum
     */
    @RpcMethod
    int add(int a, int b);

    /**
     * Three numbers.
     *
     * @param a a number
     * @param b a number
     * @param c a number
     * @return the sum
     */
    @RpcMethod
    int add(int a, int b, int c);
  }

  /** A name in the reserved {@code rpc.} space. */
  public interface ReservedName {
    /** Wrong. */
    @RpcMethod("rpc.mine")
    void mine();
  }

  /** A prefix in the reserved {@code rpc.} space. */
  @RpcService(prefix = "rpc.")
  public interface ReservedPrefix {
    /** Wrong. */
    @RpcNotification
    void ping();
  }

  /** One service with the wire name {@code shared}. */
  public interface SharedOne {
    /**
     * One.
     *
     * @return a string
     */
    @RpcMethod("shared")
    String one();
  }

  /** Another service with the wire name {@code shared}. */
  public interface SharedTwo {
    /**
     * Two.
     *
     * @return a string
     */
    @RpcMethod("shared")
    String two();
  }

  private static Object implementation(Class<?> iface) {
    return Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
      throw new UnsupportedOperationException(m.getName());
    });
  }

  private static IllegalArgumentException registrationError(Class<?> iface) {
    return assertThrows(
        IllegalArgumentException.class, () -> Peer.builder().service(implementation(iface)));
  }

  @Test
  void duplicateWireNamesInOneServiceFailRegistrationNamingBothMethods() {
    String m = registrationError(DuplicateNames.class).getMessage();
    assertTrue(m.contains("'same'"), m);
    assertTrue(m.contains("DuplicateNames.first") && m.contains("DuplicateNames.second"), m);
  }

  @Test
  void duplicateWireNamesAcrossServicesFailBuildNamingBothMethods() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer.Builder builder = Peer.builder()
        .transport(pair.first())
        .service(implementation(SharedOne.class))
        .service(implementation(SharedTwo.class));
    String m = assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    assertTrue(m.contains("'shared'"), m);
    assertTrue(m.contains("SharedOne.one") && m.contains("SharedTwo.two"), m);
  }

  @Test
  void notificationReturningValueFailsRegistrationNamingTheMethod() {
    String m = registrationError(NotificationWithValue.class).getMessage();
    assertTrue(m.contains("for method NotificationWithValue.ping"), m);
    assertTrue(m.contains("void"), m);
  }

  @Test
  void overloadsWithoutDistinctNamesFailRegistrationNamingTheMethod() {
    String m = registrationError(Overloads.class).getMessage();
    assertTrue(m.contains("for method Overloads.add"), m);
    assertTrue(m.contains("'add'"), m);
  }

  @Test
  void nameStartingWithRpcDotFailsRegistrationNamingTheMethod() {
    String m = registrationError(ReservedName.class).getMessage();
    assertTrue(m.contains("for method ReservedName.mine"), m);
    assertTrue(m.contains("'rpc.mine'"), m);
    m = registrationError(ReservedPrefix.class).getMessage();
    assertTrue(m.contains("for method ReservedPrefix.ping"), m);
    assertTrue(m.contains("'rpc.ping'"), m);
  }
}
