package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Handler failures: an {@link RpcException} goes out as exactly that error object, any other
 * exception as -32603, and a failed future maps exactly like a thrown exception.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class HandlerFailuresTest extends EdgeCaseFixture {

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
}
