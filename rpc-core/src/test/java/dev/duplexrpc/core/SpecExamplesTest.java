package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertBatchEquals;
import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every example of the JSON-RPC 2.0 specification, section 7, sent as the exact text and answered
 * with the exact reply (compared as JSON trees; batch replies matched by id in any order).
 * {@code foobar} and {@code foo.get} are deliberately not registered.
 */
class SpecExamplesTest {

  /** The methods the specification's examples call. */
  public interface SpecService {
    /**
     * {@code minuend - subtrahend}, by position or by name.
     *
     * @param minuend the number to subtract from
     * @param subtrahend the number to subtract
     * @return the difference
     */
    @RpcMethod
    int subtract(int minuend, int subtrahend);

    /**
     * Adds three numbers.
     *
     * @param a a number
     * @param b a number
     * @param c a number
     * @return the sum
     */
    @RpcMethod
    int sum(int a, int b, int c);

    /**
     * The example data.
     *
     * @return {@code ["hello", 5]}
     */
    @RpcMethod("get_data")
    List<Object> getData();

    /**
     * The {@code update} notification.
     *
     * @param a a number
     * @param b a number
     * @param c a number
     * @param d a number
     * @param e a number
     */
    @RpcNotification
    void update(int a, int b, int c, int d, int e);

    /**
     * The {@code notify_hello} notification.
     *
     * @param n a number
     */
    @RpcNotification("notify_hello")
    void notifyHello(int n);

    /**
     * The {@code notify_sum} notification.
     *
     * @param a a number
     * @param b a number
     * @param c a number
     */
    @RpcNotification("notify_sum")
    void notifySum(int a, int b, int c);
  }

  /** Records each notification as {@code name[args]}. */
  static final class Spec implements SpecService {
    final BlockingQueue<String> notifications = new LinkedBlockingQueue<>();

    @Override
    public int subtract(int minuend, int subtrahend) {
      return minuend - subtrahend;
    }

    @Override
    public int sum(int a, int b, int c) {
      return a + b + c;
    }

    @Override
    public List<Object> getData() {
      return List.of("hello", 5);
    }

    @Override
    public void update(int a, int b, int c, int d, int e) {
      notifications.add("update" + List.of(a, b, c, d, e));
    }

    @Override
    public void notifyHello(int n) {
      notifications.add("notify_hello" + List.of(n));
    }

    @Override
    public void notifySum(int a, int b, int c) {
      notifications.add("notify_sum" + List.of(a, b, c));
    }
  }

  private final Spec spec = new Spec();
  private RawEnd raw;

  @BeforeEach
  void connect() {
    raw = RawEnd.connect(peerBuilder().service(spec));
  }

  /** The Peer under test, before its service; a subclass runs the examples with more installed. */
  Peer.Builder peerBuilder() {
    return Peer.builder();
  }

  @AfterEach
  void exhausted() {
    try {
      raw.assertExhausted();
      assertEquals(List.of(), new ArrayList<>(spec.notifications), "notifications left unchecked");
    } finally {
      raw.close();
    }
  }

  private String nextNotification() throws InterruptedException {
    String n = spec.notifications.poll(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertTrue(n != null, "no notification handled within " + RawEnd.TIMEOUT_SECONDS + " s");
    return n;
  }

  /** S1: rpc call with positional parameters. */
  @Test
  void positionalParamsCallGetsResult() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}");
    assertJsonEquals("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}", raw.nextFrame());
  }

  /** S2: positional parameters in the other order. */
  @Test
  void positionalParamsInOtherOrderGetNegativeResult() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}");
    assertJsonEquals("{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}", raw.nextFrame());
  }

  /** S3: rpc call with named parameters. */
  @Test
  void namedParamsCallGetsResult() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\","
        + " \"params\": {\"subtrahend\": 23, \"minuend\": 42}, \"id\": 3}");
    assertJsonEquals("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}", raw.nextFrame());
  }

  /** S4: named parameters with the keys in the other order. */
  @Test
  void namedParamsInOtherKeyOrderGetSameResult() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"subtract\","
        + " \"params\": {\"minuend\": 42, \"subtrahend\": 23}, \"id\": 4}");
    assertJsonEquals("{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}", raw.nextFrame());
  }

  /** S5: a notification runs its handler and gets no reply. */
  @Test
  void notificationRunsHandlerAndGetsNoReply() throws InterruptedException {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}");
    assertEquals("update[1, 2, 3, 4, 5]", nextNotification());
    raw.assertNothingSent();
  }

  /** S6: a notification of an unknown method gets no reply, not even an error. */
  @Test
  void notificationOfUnknownMethodGetsNoReplyNotEvenError() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}");
    raw.assertNothingSent();
  }

  /** S7: rpc call of a non-existent method; the string id is echoed as a string. */
  @Test
  void unknownMethodGetsMinus32601WithStringIdEchoed() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}");
    assertJsonEquals(
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"},"
            + " \"id\": \"1\"}",
        raw.nextFrame());
  }

  /** S8: rpc call with invalid JSON. */
  @Test
  void invalidJsonGetsMinus32700WithNullId() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]");
    assertJsonEquals(
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"},"
            + " \"id\": null}",
        raw.nextFrame());
  }

  /** S9: rpc call with an invalid Request object. */
  @Test
  void invalidRequestObjectGetsMinus32600WithNullId() {
    raw.send("{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}");
    assertJsonEquals(
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"},"
            + " \"id\": null}",
        raw.nextFrame());
  }

  /** S10: a batch with invalid JSON gets a single parse error object, not an array. */
  @Test
  void batchWithInvalidJsonGetsSingleParseError() {
    raw.send("[{\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},"
        + "{\"jsonrpc\": \"2.0\", \"method\"]");
    assertJsonEquals(
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"},"
            + " \"id\": null}",
        raw.nextFrame());
  }

  /** S11: an empty array gets a single Invalid Request object, not an array. */
  @Test
  void emptyBatchGetsOneInvalidRequest() {
    raw.send("[]");
    assertJsonEquals(
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"},"
            + " \"id\": null}",
        raw.nextFrame());
  }

  /** S12: an invalid batch that is not empty gets an array with one error. */
  @Test
  void batchOfOneNonObjectGetsArrayOfOneInvalidRequest() {
    raw.send("[1]");
    assertBatchEquals(
        "[{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"},"
            + " \"id\": null}]",
        raw.nextFrame());
  }

  /** S13: an invalid batch gets one Invalid Request per item. */
  @Test
  void batchOfNonObjectsGetsInvalidRequestForEach() {
    raw.send("[1,2,3]");
    String invalid =
        "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"},"
            + " \"id\": null}";
    assertBatchEquals("[" + invalid + "," + invalid + "," + invalid + "]", raw.nextFrame());
  }

  /** S14: a mixed batch gets one reply per request and none for the notification. */
  @Test
  void mixedBatchGetsRepliesForRequestsOnly() throws InterruptedException {
    raw.send("[{\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},"
        + "{\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]},"
        + "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42,23], \"id\": \"2\"},"
        + "{\"foo\": \"boo\"},"
        + "{\"jsonrpc\": \"2.0\", \"method\": \"foo.get\", \"params\": {\"name\": \"myself\"}, \"id\": \"5\"},"
        + "{\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"9\"}]");
    assertBatchEquals(
        "[\n"
            + "  {\"jsonrpc\": \"2.0\", \"result\": 7, \"id\": \"1\"},\n"
            + "  {\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": \"2\"},\n"
            + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"},"
            + " \"id\": null},\n"
            + "  {\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"},"
            + " \"id\": \"5\"},\n"
            + "  {\"jsonrpc\": \"2.0\", \"result\": [\"hello\", 5], \"id\": \"9\"}\n"
            + "]",
        raw.nextFrame());
    assertEquals("notify_hello[7]", nextNotification());
  }

  /** S15: a batch of notifications only gets nothing at all. */
  @Test
  void batchOfNotificationsOnlyGetsNoReply() throws InterruptedException {
    raw.send("[{\"jsonrpc\": \"2.0\", \"method\": \"notify_sum\", \"params\": [1,2,4]},"
        + "{\"jsonrpc\": \"2.0\", \"method\": \"notify_hello\", \"params\": [7]}]");
    assertEquals("notify_sum[1, 2, 4]", nextNotification());
    assertEquals("notify_hello[7]", nextNotification());
    raw.assertNothingSent();
  }
}
