package dev.duplexrpc.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.JdkWebSocketClient;
import org.junit.jupiter.api.Test;

/** A failing handler's error reaches the client without a stack trace, opted in or not. */
class ErrorDetailsTest {

  public static final class Failing {
    @RpcMethod("fail")
    public String fail() {
      throw new IllegalStateException("database password is hunter2");
    }
  }

  private static String failOver(RpcServer server) throws Exception {
    try (JdkWebSocketClient raw = JdkWebSocketClient.connect(server.uri())) {
      raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fail\"}");
      return raw.next();
    } finally {
      server.close();
    }
  }

  @Test
  void internalErrorsCarryNoDetailByDefault() throws Exception {
    String reply = failOver(RpcServer.builder().service(new Failing()).build().start());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}", reply);
  }

  @Test
  void optedInDetailsAreTheClassAndMessageButNeverAStackTrace() throws Exception {
    String reply = failOver(RpcServer.builder().service(new Failing()).exposeErrorDetails(true).build().start());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32603,\"message\":\"Internal error\","
        + "\"data\":{\"exception\":\"java.lang.IllegalStateException\","
        + "\"message\":\"database password is hunter2\"}}}", reply);
    assertFalse(reply.contains("at dev."), reply);
    assertFalse(reply.contains("ErrorDetailsTest"), reply);
  }
}
