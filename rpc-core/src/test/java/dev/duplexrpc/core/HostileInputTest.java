package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages that {@link ParserFuzzTest} found mishandled, each pinned by exact wire text. The Peer
 * runs on a {@link DirectTransport} with handlers inline, so each reply is there when {@code
 * deliver} returns.
 */
class HostileInputTest {

  /** The service under test. */
  @RpcService(prefix = "t.")
  public interface Service {
    @RpcMethod
    String echo(String text);

    @RpcMethod
    int add(int a, int b);
  }

  private final DirectTransport transport = new DirectTransport();

  private Peer peer(int maxMessageSize) {
    return Peer.builder()
        .transport(transport)
        .service(new Service() {
          @Override
          public String echo(String text) {
            return text;
          }

          @Override
          public int add(int a, int b) {
            return a + b;
          }
        })
        .executor(Runnable::run)
        .maxMessageSize(maxMessageSize)
        .build();
  }

  private static String error(String id, int code, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":\""
        + message + "\"}}";
  }

  /**
   * An unpaired surrogate, received raw or as a JSON escape, used to be written back raw:
   * a string holding one cannot be encoded as UTF-8, so a WebSocket binding would send {@code ?}
   * in its place or fail to send the reply at all.
   */
  @Test
  void loneSurrogatesAreEscapedInEveryMessageWritten() {
    Peer peer = peer(Peer.DEFAULT_MAX_MESSAGE_SIZE);
    // Raw lone surrogates (Java escapes, so the message holds the chars themselves).
    assertEquals(
        List.of("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800x\",\"result\":\"a\\udc00\\udfff\\udbff\ud83d\ude00\"}"),
        transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":\"\ud800x\",\"method\":\"t.echo\","
            + "\"params\":[\"a\udc00\udfff\udbff\ud83d\ude00\"]}"));
    // JSON escapes of a reversed pair, in the id of an error reply.
    List<String> replies = transport.deliver(
        "{\"jsonrpc\":\"2.0\",\"id\":\"\\udc00\\ud800\",\"method\":\"nope\"}");
    assertEquals(List.of(error("\"\\udc00\\ud800\"", -32601, "Method not found")), replies);
    assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(replies.get(0)));
    // An outgoing call with one in its params.
    peer.call("remote.echo", String.class, "\udfff");
    assertEquals(
        List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"remote.echo\",\"params\":[\"\\udfff\"]}"),
        transport.drain());
  }
}
