package dev.duplexrpc.opentelemetry;

import static dev.duplexrpc.opentelemetry.OtelRecorder.span;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.JdkWebSocketClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One trace across a call-back chain over a real socket, and nothing of it on the wire to a peer
 * that did not agree the wire extensions.
 */
class TraceAcrossSocketsTest {
  static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** What the server serves. */
  public interface Server {
    @RpcMethod("one")
    String one();

    @RpcMethod("three")
    String three();

    @RpcMethod("ping")
    CompletableFuture<String> ping();
  }

  /** What the client serves. */
  public interface Client {
    @RpcMethod("two")
    String two();
  }

  final OtelRecorder otel = new OtelRecorder();
  RpcServer server;
  ClientConnection client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    otel.close();
  }

  private void startServer() throws Exception {
    Server impl = new Server() {
      @Override
      public String one() {
        return "one>" + CallContext.current().peer().remote(Client.class).two();
      }

      @Override
      public String three() {
        return "three";
      }

      @Override
      public CompletableFuture<String> ping() {
        return CallContext.current().peer().call("back.x", String.class);
      }
    };
    server = RpcServer.builder().host("127.0.0.1").port(0).service(impl)
        .interceptor(RpcTelemetry.create(otel.sdk).interceptor()).build().start();
  }

  @Test
  void callBackChainOverARealSocketIsOneTrace() throws Exception {
    startServer();
    Client back = () -> "two>" + CallContext.current().peer().remote(Server.class).three();
    client = RpcClient.builder().uri(server.uri()).service(back)
        .interceptor(RpcTelemetry.create(otel.sdk).interceptor()).build().connect();
    assertTrue(client.peer().extensionsAgreed());

    assertEquals("one>two>three", client.remote(Server.class).one());

    List<SpanData> spans = otel.spans(6);
    SpanData clientOne = span(spans, SpanKind.CLIENT, "one");
    SpanData serverOne = span(spans, SpanKind.SERVER, "one");
    SpanData clientTwo = span(spans, SpanKind.CLIENT, "two");
    SpanData serverTwo = span(spans, SpanKind.SERVER, "two");
    SpanData clientThree = span(spans, SpanKind.CLIENT, "three");
    SpanData serverThree = span(spans, SpanKind.SERVER, "three");
    List<SpanData> chain = List.of(clientOne, serverOne, clientTwo, serverTwo, clientThree, serverThree);
    assertFalse(clientOne.getParentSpanContext().isValid(), "the chain starts a trace");
    for (int i = 1; i < chain.size(); i++) {
      assertEquals(clientOne.getTraceId(), chain.get(i).getTraceId());
      assertEquals(chain.get(i - 1).getSpanId(), chain.get(i).getParentSpanId(),
          chain.get(i).getKind() + " " + chain.get(i).getName());
    }
    otel.assertNoMoreSpans();
    long port = server.port();
    for (SpanData s : chain) { // the address the client used: the URI's, the Host header's
      assertEquals("127.0.0.1", s.getAttributes().get(AttributeKey.stringKey("server.address")), s.getName());
      assertEquals(port, s.getAttributes().get(AttributeKey.longKey("server.port")), s.getName());
    }
    for (SpanData s : List.of(serverOne, clientTwo, serverThree)) { // the server knows the socket's address
      assertEquals("127.0.0.1", s.getAttributes().get(AttributeKey.stringKey("network.peer.address")));
      assertTrue(s.getAttributes().get(AttributeKey.longKey("network.peer.port")) > 0);
    }
    assertEquals(port, otel.histogram("rpc.server.call.duration").get(0).getAttributes()
        .get(AttributeKey.longKey("server.port")));
    chain.forEach(s -> System.out.println(describe(s))); // the example trace of docs/observability.md
  }

  /** One span as a line: trace, span, parent, kind, name, attributes. */
  static String describe(SpanData s) {
    return String.format("trace %.8s span %.8s parent %-8.8s %-6s %-5s %s", s.getTraceId(), s.getSpanId(),
        s.getParentSpanContext().isValid() ? s.getParentSpanId() : "-", s.getKind(), s.getName(),
        new java.util.TreeMap<>(s.getAttributes().asMap().entrySet().stream().collect(
            java.util.stream.Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue())))));
  }

  @Test
  void foreignPeerGetsNoTraceMembersAndItsOwnAreIgnored() throws Exception {
    startServer();
    try (JdkWebSocketClient foreign = JdkWebSocketClient.connect(server.uri())) { // offers no subprotocol
      foreign.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"traceparent\":\"" + PARENT + "\"}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"back.x\"}", foreign.next(),
          "a call-back to a peer that did not agree the extensions is plain JSON-RPC 2.0");
      foreign.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"x\"}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"x\"}", foreign.next());
    }
    List<SpanData> spans = otel.spans(2);
    SpanData served = span(spans, SpanKind.SERVER, "ping");
    SpanData callBack = span(spans, SpanKind.CLIENT, "back.x");
    assertFalse(served.getParentSpanContext().isValid(), "what the foreign peer sent is not a parent");
    assertFalse(served.getTraceId().equals("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertEquals(served.getSpanId(), callBack.getParentSpanId(), "the call-back is still a child locally");
  }
}
