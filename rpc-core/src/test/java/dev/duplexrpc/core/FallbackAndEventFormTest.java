package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link FallbackHandler} hook and the {@code rpc-websockets} event form {@code
 * {"notification": name, "params": ...}}, which a Peer takes as a notification of that name.
 */
class FallbackAndEventFormTest {

  /** A service whose names take precedence over the fallback. */
  public interface Ticker {
    /**
     * A registered request.
     *
     * @param x a number
     * @return {@code x + 1}
     */
    @RpcMethod
    int next(int x);

    /**
     * A registered notification.
     *
     * @param n a number
     */
    @RpcNotification
    void tick(int n);
  }

  /** One call the fallback saw. */
  record Seen(String method, boolean notification, String params, boolean contextCurrent) {}

  private final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
  private RawEnd raw;

  private final Ticker ticker = new Ticker() {
    @Override
    public int next(int x) {
      return x + 1;
    }

    @Override
    public void tick(int n) {
      seen.add("tick " + n);
    }
  };

  /** Records every call, answers {@code echo} with its params and refuses other requests. */
  private final FallbackHandler recorder = (call, params) -> {
    boolean current = CallContext.current() == call;
    seen.add(new Seen(call.method(), call.isNotification(), params, current));
    if (call.isNotification()) {
      return null;
    }
    switch (call.method()) {
      case "echo":
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("params", params);
        result.put("n", 1);
        return result;
      case "later":
        return CompletableFuture.supplyAsync(() -> "done");
      case "nothing":
        return null;
      case "boom":
        throw new IllegalStateException("boom");
      default:
        throw new RpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found");
    }
  };

  @AfterEach
  void tearDown() {
    if (raw != null) {
      raw.assertExhausted();
      raw.close();
    }
  }

  private Object nextSeen() throws InterruptedException {
    Object s = seen.poll(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(s, "the handler was not called in time");
    return s;
  }

  @Test
  void requestForAnUnregisteredNameIsServedByTheFallbackWithItsParamsAsText() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker).fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1, {\"a\":[true]}]}");
    assertJsonEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"params\":\"[1, {\\\"a\\\":[true]}]\",\"n\":1}}",
        raw.nextFrame());
    assertEquals(new Seen("echo", false, "[1, {\"a\":[true]}]", true), nextSeen());
  }

  @Test
  void fallbackGetsNullParamsWhenTheMessageHasNone() throws Exception {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nothing\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}", raw.nextFrame());
    assertEquals(new Seen("nothing", false, null, true), nextSeen());
  }

  @Test
  void fallbackResultThatIsAStageIsAwaited() throws Exception {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"later\",\"params\":{}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":\"done\"}", raw.nextFrame());
    assertEquals(new Seen("later", false, "{}", true), nextSeen());
  }

  @Test
  void fallbackRefusingANameGetsMinus32601AndOtherExceptionsMinus32603() throws Exception {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"unknown\"}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"boom\"}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}",
        raw.nextFrame());
    assertEquals("unknown", ((Seen) nextSeen()).method());
    assertEquals("boom", ((Seen) nextSeen()).method());
  }

  @Test
  void registeredMethodsTakePrecedenceOverTheFallback() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker).fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"next\",\"params\":[41]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":42}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[7]}");
    assertEquals("tick 7", nextSeen());
    raw.assertNothingSent();
    assertNull(seen.poll());
  }

  @Test
  void notificationsReachTheFallbackInArrivalOrderWithTheServicesOnes() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker).fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[1]}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"feed\",\"params\":[2]}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[3]}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"feed\"}");
    assertEquals("tick 1", nextSeen());
    assertEquals(new Seen("feed", true, "[2]", true), nextSeen());
    assertEquals("tick 3", nextSeen());
    assertEquals(new Seen("feed", true, null, true), nextSeen());
    raw.assertNothingSent();
  }

  @Test
  void cancellationsAreNotPassedToTheFallback() throws Exception {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":99}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":99}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"after\"}");
    assertEquals(new Seen("after", true, null, true), nextSeen());
    raw.assertNothingSent();
    assertNull(seen.poll());
  }

  @Test
  void eventFormIsANotificationForTheFallback() throws Exception {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"notification\":\"feedUpdated\",\"params\":{\"id\":7,\"title\":\"x\"}}");
    raw.send(" { \"params\" : [ 1 , 2 ] , \"notification\" : \"tick2\" } ");
    raw.send("{\"notification\":\"empty\"}");
    assertEquals(new Seen("feedUpdated", true, "{\"id\":7,\"title\":\"x\"}", true), nextSeen());
    assertEquals(new Seen("tick2", true, "[ 1 , 2 ]", true), nextSeen());
    assertEquals(new Seen("empty", true, null, true), nextSeen());
    raw.assertNothingSent();
  }

  @Test
  void eventFormReachesARegisteredNotificationOfThatName() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker));
    raw.send("{\"notification\":\"tick\",\"params\":[9]}");
    assertEquals("tick 9", nextSeen());
    raw.assertNothingSent();
  }

  @Test
  void eventFormForAnUnknownNameWithoutFallbackIsDroppedWithoutAnswer() {
    raw = RawEnd.connect(Peer.builder().service(ticker));
    raw.send("{\"notification\":\"nobody\",\"params\":[]}");
    raw.assertNothingSent();
  }

  @Test
  void eventFormWithScalarParamsIsDroppedWithoutAnswer() {
    raw = RawEnd.connect(Peer.builder().fallback(recorder));
    raw.send("{\"notification\":\"bad\",\"params\":\"abc\"}");
    raw.send("{\"notification\":\"bad\",\"params\":null}");
    raw.assertNothingSent();
    assertNull(seen.poll());
  }

  @Test
  void notificationMemberNextToMethodIdResultOrErrorIsNotTheEventForm() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker).fallback(recorder));
    // With an id and no method it is an invalid request, as before.
    raw.send("{\"notification\":\"x\",\"id\":1}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
    // With a method, the method decides; the extra member is ignored.
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"notification\":\"feed\",\"params\":[4]}");
    assertEquals("tick 4", nextSeen());
    // A non-string notification member is not an event name.
    raw.send("{\"notification\":5,\"params\":[]}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        raw.nextFrame());
    raw.assertNothingSent();
    assertTrue(seen.isEmpty());
  }

  /** rpc-websockets servers answer a handler that returned nothing with {"jsonrpc":"2.0","id":N}. */
  @Test
  void responseWithoutResultOrErrorCompletesTheCallWithNull() throws Exception {
    raw = RawEnd.connect(Peer.builder().service(ticker));
    CompletableFuture<String> call = raw.peer().call("nothing", String.class);
    long id = com.google.gson.JsonParser.parseString(raw.nextFrame()).getAsJsonObject().get("id").getAsLong();
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + "}");
    assertNull(call.get(RawEnd.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    // With no call of that id pending it is what the specification says: an invalid request.
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + "}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + id
        + ",\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}", raw.nextFrame());
  }
}
