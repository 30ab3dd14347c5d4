package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Invalid params: missing, unknown, surplus, wrongly typed, fractional and out-of-range params get
 * -32602 naming the param; params that are neither array nor object get -32600; results and error
 * objects of the wrong shape fail the call with an invalid response.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class InvalidParamsTest extends EdgeCaseFixture {

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
}
