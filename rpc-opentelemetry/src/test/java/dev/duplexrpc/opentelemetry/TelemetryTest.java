package dev.duplexrpc.opentelemetry;

import static dev.duplexrpc.opentelemetry.OtelRecorder.attr;
import static dev.duplexrpc.opentelemetry.OtelRecorder.span;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.Batch;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcTimeoutException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Subprotocols;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans and durations per call kind (result, error, timeout, cancel, closed, notification, batch
 * item), between two Peers over the in-memory pair, recorded by the SDK's in-memory exporter and
 * metric reader.
 */
class TelemetryTest {
  static final AttributeKey<String> SYSTEM = stringKey("rpc.system.name");
  static final AttributeKey<String> METHOD = stringKey("rpc.method");
  static final AttributeKey<String> METHOD_ORIGINAL = stringKey("rpc.method_original");
  static final AttributeKey<String> STATUS = stringKey("rpc.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");
  static final AttributeKey<String> REQUEST_ID = stringKey("jsonrpc.request.id");
  static final AttributeKey<String> VERSION = stringKey("jsonrpc.protocol.version");

  /** What the serving Peer serves. */
  public interface Service {
    @RpcMethod("echo")
    String echo(String text);

    @RpcMethod("fail")
    String fail(String why);

    @RpcMethod("hold")
    CompletableFuture<String> hold();

    @RpcNotification("note")
    void note(String text);
  }

  final BlockingQueue<CompletableFuture<String>> held = new LinkedBlockingQueue<>();
  final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
  final BlockingQueue<String> handlerTraces = new LinkedBlockingQueue<>();
  final OtelRecorder otel = new OtelRecorder();
  final List<Peer> peers = new ArrayList<>();
  Peer server;
  Peer client;

  final Service impl = new Service() {
    @Override
    public String echo(String text) {
      handlerTraces.add(Span.fromContext(RpcTelemetry.context(RpcContext.current()))
          .getSpanContext().getTraceId());
      return text;
    }

    @Override
    public String fail(String why) {
      throw new RpcException(-32010, why);
    }

    @Override
    public CompletableFuture<String> hold() {
      CompletableFuture<String> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }
  };

  @AfterEach
  void tearDown() {
    held.forEach(f -> f.complete("late"));
    peers.forEach(Peer::close);
    otel.close();
  }

  private void connect(String subprotocol) {
    RpcTelemetry telemetry = RpcTelemetry.create(otel.sdk);
    InMemoryTransport.Pair pair = InMemoryTransport.pair(subprotocol);
    server = Peer.builder().transport(pair.first())
        .config(PeerConfig.builder().service(impl).interceptor(telemetry.interceptor()).build()).build();
    client = Peer.builder().transport(pair.second())
        .config(PeerConfig.builder().interceptor(telemetry.interceptor()).build()).build();
    peers.add(server);
    peers.add(client);
  }

  @Test
  void resultGivesClientAndServerSpansOfOneTraceWithTheConventionsAttributes() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertEquals("x", client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS));
    List<SpanData> spans = otel.spans(2);
    SpanData c = span(spans, SpanKind.CLIENT, "echo");
    SpanData s = span(spans, SpanKind.SERVER, "echo");
    assertEquals(c.getTraceId(), s.getTraceId());
    assertEquals(c.getSpanId(), s.getParentSpanId());
    assertEquals(s.getTraceId(), handlerTraces.poll(5, TimeUnit.SECONDS), "the handler sees its span");
    for (SpanData span : spans) {
      assertEquals("jsonrpc", attr(span, SYSTEM));
      assertEquals("echo", attr(span, METHOD));
      assertEquals("1", attr(span, REQUEST_ID));
      assertEquals("2.0", attr(span, VERSION));
      assertNull(attr(span, ERROR_TYPE));
      assertNull(attr(span, STATUS));
      assertEquals(StatusCode.UNSET, span.getStatus().getStatusCode());
    }
    HistogramPointData clientPoint = otel.histogram("rpc.client.call.duration").get(0);
    assertEquals(Attributes.of(SYSTEM, "jsonrpc", METHOD, "echo"), clientPoint.getAttributes());
    assertEquals(1, clientPoint.getCount());
    assertEquals(List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0),
        clientPoint.getBoundaries());
    assertEquals(1, otel.histogram("rpc.server.call.duration").get(0).getCount());
    otel.assertNoMoreSpans();
  }

  @Test
  void errorRecordsTheCodeAsStatusAndErrorType() throws Exception {
    connect(Subprotocols.DUPLEX);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.call("fail", String.class, "no").get(5, TimeUnit.SECONDS));
    assertEquals(-32010, ((RpcException) e.getCause()).code());
    List<SpanData> spans = otel.spans(2);
    for (SpanData span : spans) {
      assertEquals("-32010", attr(span, STATUS));
      assertEquals("-32010", attr(span, ERROR_TYPE));
      assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    }
    HistogramPointData point = otel.histogram("rpc.server.call.duration").get(0);
    assertEquals("-32010", point.getAttributes().get(ERROR_TYPE));
    assertEquals("-32010", point.getAttributes().get(STATUS));
  }

  @Test
  void methodNotServedIsOtherOnTheClientOnlyWhenNotRecognized() throws Exception {
    connect(Subprotocols.DUPLEX);
    assertThrows(ExecutionException.class, () -> client.call("nope", String.class).get(5, TimeUnit.SECONDS));
    SpanData c = span(otel.spans(1), SpanKind.CLIENT, "nope"); // the caller chose the name
    assertEquals("-32601", attr(c, ERROR_TYPE));
    otel.assertNoMoreSpans(); // -32601 is answered before any interceptor runs on the server
  }

  @Test
  void unrecognizedMethodIsRecordedAsOther() throws Exception {
    RpcTelemetry telemetry = RpcTelemetry.builder(otel.sdk).recognizedMethods(Set.of("other")).build();
    InMemoryTransport.Pair pair = InMemoryTransport.pair(Subprotocols.DUPLEX);
    server = Peer.builder().transport(pair.first()).config(PeerConfig.builder().service(impl).build()).build();
    client = Peer.builder().transport(pair.second())
        .config(PeerConfig.builder().interceptor(telemetry.interceptor()).build()).build();
    peers.add(server);
    peers.add(client);
    client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    SpanData c = span(otel.spans(1), SpanKind.CLIENT, "jsonrpc");
    assertEquals("_OTHER", attr(c, METHOD));
    assertEquals("echo", attr(c, METHOD_ORIGINAL));
    assertEquals("_OTHER", otel.histogram("rpc.client.call.duration").get(0).getAttributes().get(METHOD));
  }

  @Test
  void timeoutIsMinus32001OnTheClientAndTheServedCallIsCancelled() throws Exception {
    connect(Subprotocols.DUPLEX);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.call(Duration.ofMillis(50), "hold", String.class).get(5, TimeUnit.SECONDS));
    assertInstanceOf(RpcTimeoutException.class, e.getCause());
    List<SpanData> spans = otel.spans(2); // the timeout sends rpc.cancel: the served call ends too
    assertEquals("-32001", attr(span(spans, SpanKind.CLIENT, "hold"), ERROR_TYPE));
    assertEquals("-32004", attr(span(spans, SpanKind.SERVER, "hold"), ERROR_TYPE));
  }

  @Test
  void cancelIsMinus32004OnBothSides() throws Exception {
    connect(Subprotocols.DUPLEX);
    CompletableFuture<String> call = client.call("hold", String.class);
    held.poll(5, TimeUnit.SECONDS); // the handler runs
    call.cancel(true);
    List<SpanData> spans = otel.spans(2);
    SpanData c = span(spans, SpanKind.CLIENT, "hold");
    assertEquals("-32004", attr(c, ERROR_TYPE));
    assertEquals("-32004", attr(c, STATUS));
    assertEquals("-32004", attr(span(spans, SpanKind.SERVER, "hold"), ERROR_TYPE));
  }

  @Test
  void closeIsMinus32002OnThePendingCall() throws Exception {
    connect(Subprotocols.DUPLEX);
    CompletableFuture<String> call = client.call("hold", String.class);
    CompletableFuture<String> handler = held.poll(5, TimeUnit.SECONDS);
    server.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(5, TimeUnit.SECONDS));
    assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals("-32002", attr(span(otel.spans(1), SpanKind.CLIENT, "hold"), ERROR_TYPE));
    handler.complete("too late"); // the served call ends when its handler does
    assertNull(attr(span(otel.spans(1), SpanKind.SERVER, "hold"), ERROR_TYPE));
  }

  @Test
  void notificationSpansHaveNoRequestIdAndOneTrace() throws Exception {
    connect(Subprotocols.DUPLEX);
    client.notify("note", "n").get(5, TimeUnit.SECONDS);
    assertEquals("n", notes.poll(5, TimeUnit.SECONDS));
    List<SpanData> spans = otel.spans(2);
    SpanData c = span(spans, SpanKind.CLIENT, "note");
    SpanData s = span(spans, SpanKind.SERVER, "note");
    assertEquals(c.getSpanId(), s.getParentSpanId());
    assertNull(attr(c, REQUEST_ID));
    assertNull(attr(s, REQUEST_ID));
    assertEquals("note", attr(s, METHOD));
  }

  @Test
  void eachBatchItemHasItsOwnSpanAndChild() throws Exception {
    connect(Subprotocols.DUPLEX);
    Batch batch = client.batch();
    CompletableFuture<String> a = batch.call("echo", String.class, "a");
    CompletableFuture<String> b = batch.call("fail", String.class, "b");
    batch.notify("note", "c");
    batch.send();
    assertEquals("a", a.get(5, TimeUnit.SECONDS));
    assertThrows(ExecutionException.class, () -> b.get(5, TimeUnit.SECONDS));
    List<SpanData> spans = otel.spans(6);
    for (String name : List.of("echo", "fail", "note")) {
      SpanData c = span(spans, SpanKind.CLIENT, name);
      SpanData s = span(spans, SpanKind.SERVER, name);
      assertEquals(c.getSpanId(), s.getParentSpanId(), name);
      assertEquals(attr(c, REQUEST_ID), attr(s, REQUEST_ID), name);
    }
    assertEquals("1", attr(span(spans, SpanKind.CLIENT, "echo"), REQUEST_ID));
    assertEquals("2", attr(span(spans, SpanKind.CLIENT, "fail"), REQUEST_ID));
    assertEquals("-32010", attr(span(spans, SpanKind.SERVER, "fail"), ERROR_TYPE));
  }

  @Test
  void withoutAgreedExtensionsTheServedCallStartsItsOwnTrace() throws Exception {
    connect("");
    client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    List<SpanData> spans = otel.spans(2);
    SpanData c = span(spans, SpanKind.CLIENT, "echo");
    SpanData s = span(spans, SpanKind.SERVER, "echo");
    assertFalse(c.getTraceId().equals(s.getTraceId()));
    assertFalse(s.getParentSpanContext().isValid());
  }

  @Test
  void outgoingCallOutsideAHandlerIsAChildOfTheCurrentSpan() throws Exception {
    connect(Subprotocols.DUPLEX);
    Span app = otel.sdk.getTracer("app").spanBuilder("app").startSpan();
    try (var scope = app.makeCurrent()) {
      client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    } finally {
      app.end();
    }
    List<SpanData> spans = otel.spans(3);
    SpanData c = span(spans, SpanKind.CLIENT, "echo");
    assertEquals(app.getSpanContext().getSpanId(), c.getParentSpanId());
    assertTrue(spans.stream().allMatch(s -> s.getTraceId().equals(app.getSpanContext().getTraceId())));
  }

  @Test
  void serverPortAndAddressAreLeftOutWithoutATransportAddress() throws Exception {
    connect(Subprotocols.DUPLEX);
    client.call("echo", String.class, "x").get(5, TimeUnit.SECONDS);
    for (SpanData s : otel.spans(2)) {
      assertNull(attr(s, longKey("server.port")));
      assertNull(attr(s, stringKey("network.peer.address")));
    }
  }
}
