package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The W3C trace context as top-level {@code traceparent} / {@code tracestate} members: written
 * and read only when the wire extensions are agreed, byte for byte absent otherwise.
 */
class TraceContextWireTest {
  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  static final TraceContext SENT = TraceContext.of(PARENT, "vendor=x");

  /** What the Peer serves: says what trace context its handler saw. */
  public interface Service {
    @RpcMethod("seen")
    String seen();

    @RpcNotification("note")
    void note();
  }

  final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
  final Service service = new Service() {
    @Override
    public String seen() {
      TraceContext t = RpcContext.current().get(TraceContext.REMOTE_PARENT);
      return t == null ? "none" : t.traceparent() + "|" + t.tracestate();
    }

    @Override
    public void note() {
      TraceContext t = RpcContext.current().get(TraceContext.REMOTE_PARENT);
      seen.add(t == null ? "none" : t.traceparent());
    }
  };

  /** Puts {@link #SENT} on every outgoing call. */
  static final RpcInterceptor PROPAGATING = call -> {
    if (call.direction() == RpcCall.Direction.OUTGOING) {
      call.put(TraceContext.PROPAGATE, SENT);
    }
    return null;
  };

  RawEnd raw;

  @AfterEach
  void tearDown() {
    if (raw != null) {
      raw.assertExhausted();
      raw.close();
    }
  }

  private RawEnd connect(boolean agreed) {
    Peer.Builder b = Peer.builder()
        .config(PeerConfig.builder().service(service).interceptor(PROPAGATING).build());
    raw = RawEnd.connect(b, t -> agreed ? new Agreed(t) : t);
    return raw;
  }

  @Test
  void outgoingCallCarriesTraceMembersWhenExtensionsAgreed() {
    connect(true).peer().call("remote.m", String.class, 1);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"remote.m\",\"params\":[1],"
        + "\"traceparent\":\"" + PARENT + "\",\"tracestate\":\"vendor=x\"}", raw.nextFrame());
  }

  @Test
  void outgoingCallIsPlainJsonRpcWhenExtensionsNotAgreed() {
    connect(false).peer().call("remote.m", String.class, 1);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"remote.m\",\"params\":[1]}", raw.nextFrame());
    raw.peer().notify("remote.n");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"remote.n\"}", raw.nextFrame());
  }

  @Test
  void notificationAndEachBatchItemCarryTheirOwn() {
    connect(true).peer().notify("remote.n");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"remote.n\",\"traceparent\":\"" + PARENT
        + "\",\"tracestate\":\"vendor=x\"}", raw.nextFrame());
    Batch batch = raw.peer().batch();
    batch.call("a", String.class);
    batch.notify("b");
    batch.send();
    String t = ",\"traceparent\":\"" + PARENT + "\",\"tracestate\":\"vendor=x\"}";
    assertEquals("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"" + t
        + ",{\"jsonrpc\":\"2.0\",\"method\":\"b\"" + t + "]", raw.nextFrame());
  }

  @Test
  void incomingTraceMembersReachInterceptorsAndHandlerWhenAgreed() throws Exception {
    connect(true);
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"seen\",\"traceparent\":\"" + PARENT
        + "\",\"tracestate\":\"a=b\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"" + PARENT + "|a=b\"}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"traceparent\":\"" + PARENT + "\"}");
    assertEquals(PARENT, seen.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void incomingTraceMembersIgnoredWhenNotAgreed() {
    connect(false);
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"seen\",\"traceparent\":\"" + PARENT + "\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":\"none\"}", raw.nextFrame());
  }

  @Test
  void malformedIncomingTraceMembersAreIgnored() {
    connect(true);
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"seen\",\"traceparent\":{\"x\":1}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"none\"}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"seen\",\"traceparent\":\""
        + "x".repeat(TraceContext.MAX_LENGTH + 1) + "\"}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"none\"}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"seen\",\"traceparent\":\"a\\u0001b\","
        + "\"tracestate\":5}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"none\"}", raw.nextFrame());
  }

  @Test
  void traceContextRefusesWhatCannotBeSent() {
    assertThrows(IllegalArgumentException.class, () -> TraceContext.of("", null));
    assertThrows(IllegalArgumentException.class, () -> TraceContext.of("a\nb", null));
    assertThrows(IllegalArgumentException.class,
        () -> TraceContext.of(PARENT, "k=" + "v".repeat(TraceContext.MAX_LENGTH)));
    assertNull(TraceContext.of(PARENT, "").tracestate());
    assertEquals(PARENT, TraceContext.of(PARENT, null).get("TraceParent"));
    assertTrue(TraceContext.of(PARENT, "k=v").toString().contains("k=v"));
  }

  /** A transport whose handshake agreed the extensions. */
  private record Agreed(Transport delegate) implements Transport {
    @Override
    public void start(Listener listener) {
      delegate.start(listener);
    }

    @Override
    public CompletionStage<Void> send(String message) {
      return delegate.send(message);
    }

    @Override
    public void close(int code, String reason) {
      delegate.close(code, reason);
    }

    @Override
    public String subprotocol() {
      return Subprotocols.DUPLEX;
    }
  }
}
