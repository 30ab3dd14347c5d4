package dev.duplexrpc.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.opentelemetry.RpcTelemetry;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.RedisProcess;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One trace across a call relayed to a client on another node: two server nodes in this JVM on a
 * real redis-server, each with the OpenTelemetry interceptor, and a client on each.
 */
class ClusterTraceTest {
  /** What the nodes serve. */
  public interface Node {
    @RpcMethod("whoami")
    String whoami();

    @RpcMethod("relay")
    int relay(String connectionId, int n);
  }

  /** What the clients serve. */
  public interface Client {
    @RpcMethod("twice")
    int twice(int n);
  }

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final BlockingQueue<SpanData> ended = new LinkedBlockingQueue<>();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
          .addSpanProcessor(SimpleSpanProcessor.create(exporter))
          .addSpanProcessor(new io.opentelemetry.sdk.trace.SpanProcessor() {
            @Override
            public void onStart(io.opentelemetry.context.Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {}

            @Override
            public boolean isStartRequired() {
              return false;
            }

            @Override
            public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
              ended.add(span.toSpanData());
            }

            @Override
            public boolean isEndRequired() {
              return true;
            }
          }).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final List<AutoCloseable> open = new ArrayList<>();
  RedisProcess redis;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (redis != null) {
      redis.close();
    }
    sdk.close();
  }

  private RpcServer node(String id) throws Exception {
    RpcServer[] self = new RpcServer[1];
    Node impl = new Node() {
      @Override
      public String whoami() {
        return ServerConnection.current().id();
      }

      @Override
      public int relay(String connectionId, int n) {
        return self[0].cluster().connection(connectionId).remote(Client.class).twice(n);
      }
    };
    RpcServer s = RpcServer.builder().host("127.0.0.1").port(0).service(impl)
        .interceptor(RpcTelemetry.create(sdk).interceptor())
        .backplane(RedisBackplane.builder().uri(redis.uri()).channelPrefix("trace").nodeId(id)
            .commandTimeout(Duration.ofSeconds(5)).build())
        .build();
    self[0] = s;
    s.start();
    open.add(s);
    return s;
  }

  private ClientConnection client(RpcServer node) throws Exception {
    ClientConnection c = RpcClient.builder().uri(node.uri()).service((Client) n -> 2 * n)
        .interceptor(RpcTelemetry.create(sdk).interceptor()).build().connect();
    open.add(c);
    return c;
  }

  @Test
  void callRelayedToAClientOnAnotherNodeKeepsTheTrace() throws Exception {
    redis = RedisProcess.start();
    RpcServer n1 = node("n1");
    RpcServer n2 = node("n2");
    ClientConnection caller = client(n1);
    ClientConnection target = client(n2);
    String targetId = target.remote(Node.class).whoami();
    ended.clear(); // the whoami spans
    exporter.reset();

    assertEquals(42, caller.remote(Node.class).relay(targetId, 21));

    List<SpanData> spans = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SpanData s = ended.poll(10, TimeUnit.SECONDS);
      assertTrue(s != null, "only " + spans.size() + " spans ended: " + spans);
      spans.add(s);
    }
    spans.sort((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()));
    // caller -> n1 serves relay -> n1's relay Peer calls twice -> n2 calls its client -> target serves
    List<String> shape = spans.stream().map(s -> s.getKind() + " " + s.getName()).toList();
    assertEquals(List.of("CLIENT relay", "SERVER relay", "CLIENT twice", "CLIENT twice", "SERVER twice"), shape);
    assertFalse(spans.get(0).getParentSpanContext().isValid());
    for (int i = 1; i < spans.size(); i++) {
      assertEquals(spans.get(0).getTraceId(), spans.get(i).getTraceId(), shape.get(i));
      assertEquals(spans.get(i - 1).getSpanId(), spans.get(i).getParentSpanId(), i + ": " + shape.get(i));
    }
    assertEquals(SpanKind.SERVER, spans.get(4).getKind());
  }
}
