package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Messages from a hostile or broken peer that the Peer mishandled, most of them found by {@link
 * ParserFuzzTest}, each pinned by exact wire text. The Peer runs on a {@link DirectTransport} with
 * handlers inline, so each reply is there when {@code deliver} returns.
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
        .config(PeerConfig.builder().executor(Runnable::run).maxMessageSize(maxMessageSize).build())
        .build();
  }

  private static String error(String id, int code, String message) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":\""
        + message + "\"}}";
  }

  private static String tooLarge(String id, String what, int length, int limit) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32003,\"message\":\"Limit exceeded\","
        + "\"data\":{\"reason\":\"" + what + " is " + length + " characters, over the limit of " + limit
        + "\"}}}";
  }

  /** {@code n} line separators (U+2028) raw, as a message may hold them. */
  private static String separators(int n) {
    return "\u2028".repeat(n);
  }

  /** {@code n} line separators as the Peer writes them: Gson always escapes U+2028, six chars each. */
  private static String escapedSeparators(int n) {
    return "\\u2028".repeat(n);
  }

  /**
   * An unpaired surrogate, received raw or as a JSON escape, used to be written back raw:
   * a string holding one cannot be encoded as UTF-8, so a WebSocket binding would send {@code ?}
   * in its place or fail to send the reply at all.
   */
  @Test
  void loneSurrogatesAreEscapedInEveryMessageWritten() {
    Peer peer = peer(PeerConfig.DEFAULT_MAX_MESSAGE_SIZE);
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

  /**
   * Only results were checked against {@code maxMessageSize}: an error reply echoing a long id
   * (Gson writes U+2028 as six chars) was sent over the limit, and the other end, with the same
   * limit, closed the connection with 1009.
   */
  @Test
  void errorReplyOverTheSizeLimitIsReplacedByLimitExceeded() {
    peer(256);
    String id = "\"" + escapedSeparators(40) + "\"";
    String methodNotFound = error(id, -32601, "Method not found");
    assertTrue(methodNotFound.length() > 256);
    // The -32003 error with that id would be too large as well: it goes with id null.
    assertEquals(
        List.of(tooLarge("null", "response", methodNotFound.length(), 256)),
        transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":\"" + separators(40) + "\",\"method\":\"nope\"}"));
    String invalid = error(id, -32600, "Invalid Request");
    assertEquals(
        List.of(tooLarge("null", "response", invalid.length(), 256)),
        transport.deliver("{\"jsonrpc\":\"1.0\",\"id\":\"" + separators(40) + "\",\"method\":\"t.add\"}"));
    // A result too large for the limit keeps its id.
    String result = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"" + escapedSeparators(40) + "\"}";
    assertEquals(
        List.of(tooLarge("7", "response", result.length(), 256)),
        transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"t.echo\",\"params\":[\""
            + separators(40) + "\"]}"));
    assertEquals(List.of(), transport.closeCodes);
  }

  /**
   * A batch reply was never checked against {@code maxMessageSize}: responses that each fit
   * could add up to a reply over the limit.
   */
  @Test
  void batchReplyOverTheSizeLimitReplacesItsLargestResponses() {
    peer(1000);
    String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"t.echo\",\"params\":[\"" + separators(100) + "\"]}";
    String result = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"" + escapedSeparators(100) + "\"}";
    int total = 3 * result.length() + 4;
    assertTrue(result.length() < 1000 && total > 1000);
    // The largest responses (all equal here: the first ones) give way until the array fits.
    assertEquals(
        List.of("[" + tooLarge("1", "batch response", total, 1000) + ","
            + tooLarge("2", "batch response", total, 1000) + "," + result + "]"),
        transport.deliver("[" + String.format(call, 1) + "," + String.format(call, 2) + ","
            + String.format(call, 3) + "]"));
    assertEquals(List.of(), transport.closeCodes);
  }

  /** Where the id is what makes a batch response large, its -32003 error goes with id null. */
  @Test
  void batchResponseMadeLargeByItsIdGivesWayWithIdNull() {
    peer(1000);
    String methodNotFound = error("\"" + escapedSeparators(150) + "\"", -32601, "Method not found");
    String three = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":3}";
    int total = methodNotFound.length() + 2 * String.format(three, 2).length() + 4;
    assertTrue(methodNotFound.length() < 1000 && total > 1000);
    String add = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"t.add\",\"params\":[1,2]}";
    assertEquals(
        List.of("[" + tooLarge("null", "batch response", total, 1000) + "," + String.format(three, 2)
            + "," + String.format(three, 3) + "]"),
        transport.deliver("[{\"jsonrpc\":\"2.0\",\"id\":\"" + separators(150) + "\",\"method\":\"nope\"},"
            + String.format(add, 2) + "," + String.format(add, 3) + "]"));
    assertEquals(List.of(), transport.closeCodes);
  }

  /** When even the -32003 errors do not fit, the batch gets one -32003 error with id null. */
  @Test
  void batchReplyThatCannotFitIsOneLimitExceededError() {
    peer(256);
    String invalid = error("null", -32600, "Invalid Request");
    int total = 20 * invalid.length() + 21;
    assertEquals(
        List.of(tooLarge("null", "batch response", total, 256)),
        transport.deliver("[" + String.join(",", Collections.nCopies(20, "1")) + "]"));
    assertEquals(List.of(), transport.closeCodes);
  }

  /**
   * Responses that match no call were logged at INFO (results) and WARNING (errors): the other
   * end could flood the log with them. Late answers are expected after a timeout or a cancel, so
   * they are DEBUG; an error with id null, the other end saying a message of ours was bad, is INFO.
   */
  @Test
  void responsesForUnknownIdsAreLoggedAtDebugAndNullIdErrorsAtInfo() {
    peer(PeerConfig.DEFAULT_MAX_MESSAGE_SIZE);
    List<Level> levels = Collections.synchronizedList(new ArrayList<>());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        levels.add(record.getLevel());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger jul = Logger.getLogger(dev.duplexrpc.core.internal.call.CallTable.class.getName());
    Level level = jul.getLevel();
    boolean useParent = jul.getUseParentHandlers();
    jul.setLevel(Level.ALL);
    jul.setUseParentHandlers(false);
    jul.addHandler(handler);
    try {
      for (String response : List.of(
          "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":1}",
          "{\"jsonrpc\":\"2.0\",\"id\":99,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":{\"code\":-32004,\"message\":\"Request cancelled\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}",
          "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}")) {
        assertEquals(List.of(), transport.deliver(response), response);
      }
    } finally {
      jul.removeHandler(handler);
      jul.setUseParentHandlers(useParent);
      jul.setLevel(level);
    }
    assertEquals(List.of(Level.FINE, Level.FINE, Level.FINE, Level.FINE, Level.INFO), levels);
  }

  /**
   * A valid integer that Gson's strict reader rejects (google/gson#3034: its digits overflow the
   * reader's long accumulator to 0, taken for a leading zero). The Peer's scanner accepts it, as
   * it must, and Gson reads it only when a value is converted.
   */
  private static final String GSON_REJECTED_INTEGER = "1" + "0".repeat(399);

  /**
   * The params of {@code rpc.cancel} were read as a Gson tree on the transport's thread, outside
   * any try: the exception escaped the Peer into the transport.
   */
  @Test
  void cancelWithParamsGsonCannotReadIsIgnored() {
    peer(PeerConfig.DEFAULT_MAX_MESSAGE_SIZE);
    assertEquals(List.of(), transport.deliver(
        "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":" + GSON_REJECTED_INTEGER + "}}"));
    assertEquals(List.of(), transport.deliver(
        "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":[" + GSON_REJECTED_INTEGER + "]}"));
    assertEquals(List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":3}"),
        transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"t.add\",\"params\":[1,2]}"));
    assertEquals(List.of(), transport.closeCodes);
  }

  /**
   * An error object Gson cannot read failed the call with Gson's {@code JsonSyntaxException}
   * instead of an {@link RpcException}, as a result that does not convert does.
   */
  @Test
  void errorObjectGsonCannotReadFailsTheCallWithInvalidResponse() {
    Peer peer = peer(PeerConfig.DEFAULT_MAX_MESSAGE_SIZE);
    CompletableFuture<String> call = peer.call("remote.echo", String.class, "x");
    assertEquals(1, transport.drain().size());
    assertEquals(List.of(), transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":"
        + GSON_REJECTED_INTEGER + ",\"message\":\"m\"}}"));
    CompletionException failure = assertThrows(CompletionException.class, call::join);
    RpcException e = assertInstanceOf(RpcException.class, failure.getCause());
    assertEquals(ErrorCodes.INVALID_RESPONSE, e.code(), e.toString());
    assertTrue(e.data().getAsJsonObject().get("reason").getAsString().contains("line 1 column"), e.toString());
  }
}
