package dev.duplexrpc.opentelemetry.internal;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.core.RpcOutcome;
import dev.duplexrpc.core.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * The interceptor {@code RpcTelemetry} makes: one span per call (SERVER for an incoming call,
 * CLIENT for an outgoing one, notifications too), its duration in {@code rpc.server.call.duration}
 * or {@code rpc.client.call.duration}, and the W3C trace context in and out through the core's
 * {@link TraceContext} keys.
 */
public final class TracingInterceptor implements RpcInterceptor {
  /** The OpenTelemetry context of the call (its span), for the handler and the calls it makes. */
  public static final RpcContext.Key<Context> OTEL_CONTEXT =
      RpcContext.Key.named("opentelemetry.context", Context.class);

  private static final TextMapGetter<TraceContext> GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(TraceContext carrier) {
      return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
    }

    @Override
    public String get(TraceContext carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };
  private static final TextMapSetter<Map<String, String>> SETTER = Map::put;
  private static final int MAX_CACHED_METHODS = 1024;

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final DoubleHistogram serverDuration;
  private final DoubleHistogram clientDuration;
  private final BiPredicate<RpcCall, String> recognized;
  private final ConcurrentHashMap<String, Attributes> succeeded = new ConcurrentHashMap<>();

  /**
   * @param recognized whether a call's method name is one of the application's (else it is
   *     recorded as {@code _OTHER})
   */
  public TracingInterceptor(OpenTelemetry otel, String scope, String version,
      BiPredicate<RpcCall, String> recognized) {
    this.tracer = otel.getTracerProvider().tracerBuilder(scope).setInstrumentationVersion(version).build();
    this.propagator = otel.getPropagators().getTextMapPropagator();
    Meter meter = otel.getMeterProvider().meterBuilder(scope).setInstrumentationVersion(version).build();
    this.serverDuration = meter.histogramBuilder(Semconv.SERVER_DURATION).setUnit("s")
        .setDescription("Measures the duration of an incoming Remote Procedure Call (RPC).")
        .setExplicitBucketBoundariesAdvice(Semconv.DURATION_BUCKETS).build();
    this.clientDuration = meter.histogramBuilder(Semconv.CLIENT_DURATION).setUnit("s")
        .setDescription("Measures the duration of an outgoing Remote Procedure Call (RPC).")
        .setExplicitBucketBoundariesAdvice(Semconv.DURATION_BUCKETS).build();
    this.recognized = recognized;
  }

  @Override
  public Listener intercept(RpcCall call) {
    boolean incoming = call.direction() == RpcCall.Direction.INCOMING;
    String method = call.method();
    String recordedMethod = recognized.test(call, method) ? method : Semconv.OTHER;
    Context parent = parent(call, incoming);
    SpanBuilder builder = tracer.spanBuilder(recordedMethod.equals(Semconv.OTHER) ? Semconv.JSONRPC : method)
        .setParent(parent)
        .setSpanKind(incoming ? SpanKind.SERVER : SpanKind.CLIENT)
        .setAttribute(Semconv.RPC_SYSTEM_NAME, Semconv.JSONRPC)
        .setAttribute(Semconv.RPC_METHOD, recordedMethod);
    if (recordedMethod.equals(Semconv.OTHER)) {
      builder.setAttribute(Semconv.RPC_METHOD_ORIGINAL, method);
    }
    InetSocketAddress server = call.peer().serverAddress();
    if (server != null) {
      builder.setAttribute(Semconv.SERVER_ADDRESS, server.getHostString());
      if (server.getPort() > 0) {
        builder.setAttribute(Semconv.SERVER_PORT, (long) server.getPort());
      }
    }
    InetSocketAddress remote = call.peer().remoteAddress();
    if (remote != null) {
      builder.setAttribute(Semconv.NETWORK_PEER_ADDRESS,
          remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString());
      builder.setAttribute(Semconv.NETWORK_PEER_PORT, (long) remote.getPort());
    }
    Span span = builder.startSpan();
    if (span.isRecording()) {
      span.setAttribute(Semconv.JSONRPC_PROTOCOL_VERSION, "2.0");
      JsonElement id = call.id();
      if (id != null && !id.isJsonNull()) {
        span.setAttribute(Semconv.JSONRPC_REQUEST_ID, id.getAsString());
      }
    }
    Context context = parent.with(span);
    call.put(OTEL_CONTEXT, context);
    if (!incoming && call.peer().extensionsAgreed()) {
      Map<String, String> fields = new HashMap<>(4);
      propagator.inject(context, fields, SETTER);
      String traceparent = fields.get(TraceContext.TRACEPARENT);
      if (traceparent != null) {
        try {
          call.put(TraceContext.PROPAGATE, TraceContext.of(traceparent, fields.get(TraceContext.TRACESTATE)));
        } catch (IllegalArgumentException e) {
          // a propagator's value the wire does not carry (too long): the call goes without it
        }
      }
    }
    return outcome -> end(span, incoming, recordedMethod, server, outcome);
  }

  /**
   * The parent of a call's span: for an incoming call, the trace context its caller sent (else
   * none: a new trace); for an outgoing call, the span of the call being served on this thread,
   * else the trace context a relayed call came with, else OpenTelemetry's current context.
   */
  private Context parent(RpcCall call, boolean incoming) {
    RpcContext rpc = call.context();
    TraceContext remote = rpc.get(TraceContext.REMOTE_PARENT);
    if (incoming) {
      return remote == null ? Context.root() : propagator.extract(Context.root(), remote, GETTER);
    }
    Context served = rpc.get(OTEL_CONTEXT);
    if (served != null) {
      return served;
    }
    return remote == null ? Context.current() : propagator.extract(Context.root(), remote, GETTER);
  }

  /** The metric attributes of a call that succeeded, by method and server: made once, not per call. */
  private Attributes succeeded(String method, InetSocketAddress server) {
    String key = server == null ? method : method + ' ' + server;
    Attributes a = succeeded.get(key);
    if (a == null) {
      a = metricAttributes(method, server).build();
      if (succeeded.size() < MAX_CACHED_METHODS) { // bounded: unrecognized names are all _OTHER anyway
        succeeded.putIfAbsent(key, a);
      }
    }
    return a;
  }

  private static AttributesBuilder metricAttributes(String method, InetSocketAddress server) {
    AttributesBuilder b = Attributes.builder()
        .put(Semconv.RPC_SYSTEM_NAME, Semconv.JSONRPC)
        .put(Semconv.RPC_METHOD, method);
    if (server != null) {
      b.put(Semconv.SERVER_ADDRESS, server.getHostString());
      if (server.getPort() > 0) {
        b.put(Semconv.SERVER_PORT, (long) server.getPort());
      }
    }
    return b;
  }

  private void end(Span span, boolean incoming, String method, InetSocketAddress server, RpcOutcome outcome) {
    DoubleHistogram histogram = incoming ? serverDuration : clientDuration;
    double seconds = outcome.nanos() / (double) TimeUnit.SECONDS.toNanos(1);
    if (outcome.kind() == RpcOutcome.Kind.RESULT) {
      span.end();
      histogram.record(seconds, succeeded(method, server));
      return;
    }
    AttributesBuilder metric = metricAttributes(method, server);
    Throwable error = outcome.error();
    String errorType;
    if (incoming || error instanceof RpcException || outcome.kind() != RpcOutcome.Kind.ERROR) {
      // the JSON-RPC error code the response carries (incoming) or that the call failed with
      String code = Integer.toString(outcome.errorCode());
      metric.put(Semconv.RPC_STATUS_CODE, code);
      span.setAttribute(Semconv.RPC_STATUS_CODE, code);
      errorType = code;
    } else {
      errorType = error.getClass().getName(); // failed before a status code: a local failure
    }
    metric.put(Semconv.ERROR_TYPE, errorType);
    if (span.isRecording()) {
      span.setAttribute(Semconv.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR, error == null ? outcome.kind().name() : String.valueOf(error.getMessage()));
    }
    span.end();
    histogram.record(seconds, metric.build());
  }
}
