package dev.duplexrpc.opentelemetry;

import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.opentelemetry.internal.TracingInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * OpenTelemetry tracing and metrics for Duplex RPC calls: its {@link #interceptor()} records a
 * span for every call a Peer serves (kind SERVER) or makes (kind CLIENT), notifications included,
 * and its duration in the histograms {@code rpc.server.call.duration} and {@code
 * rpc.client.call.duration}, by the JSON-RPC semantic conventions (docs/observability.md). On a
 * connection whose two ends agreed the wire extensions, the W3C trace context travels with each
 * call, so a served call continues its caller's trace and a call-back made while serving is a
 * child of the call being served.
 *
 * <pre>{@code
 * RpcTelemetry telemetry = RpcTelemetry.create(openTelemetry);   // GlobalOpenTelemetry.get(), say
 * RpcServer server = RpcServer.builder().service(new ShopImpl())
 *     .interceptor(telemetry.interceptor())                       // first: it times the others too
 *     .build();
 * // in a handler, for your own spans:
 * Context otel = RpcTelemetry.context(RpcContext.current());
 * }</pre>
 *
 * <p>Immutable and thread-safe; one instance serves any number of Peers.
 *
 * @since 0.2
 */
public final class RpcTelemetry {
  /** The instrumentation scope name of the tracer and the meter: {@value}. */
  public static final String SCOPE = "dev.duplexrpc.opentelemetry";

  private final RpcInterceptor interceptor;

  private RpcTelemetry(Builder b) {
    Predicate<String> methods = b.methods;
    this.interceptor = new TracingInterceptor(b.openTelemetry, SCOPE, version(),
        methods == null ? RpcTelemetry::knownByDefault : (call, method) -> methods.test(method));
  }

  /**
   * Telemetry with the default settings.
   *
   * @param openTelemetry where spans and metrics go
   * @return the telemetry
   */
  public static RpcTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder.
   *
   * @param openTelemetry where spans and metrics go
   * @return a builder with the defaults
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /**
   * The interceptor to install on a Peer, a server or a client ({@code .interceptor(..)}). Add it
   * first, so that its span and duration cover the other interceptors and their refusals.
   *
   * @return the interceptor
   */
  public RpcInterceptor interceptor() {
    return interceptor;
  }

  /**
   * The OpenTelemetry context of a call: its span, as the parent of spans the handler makes.
   *
   * @param context the call's context, e.g. {@link RpcContext#current()} in a handler
   * @return the context holding the call's span, or {@link Context#current()} when the call has
   *     none (the interceptor is not installed)
   */
  public static Context context(RpcContext context) {
    Context c = context.get(TracingInterceptor.OTEL_CONTEXT);
    return c != null ? c : Context.current();
  }

  /**
   * The default of {@link Builder#recognizedMethods}: an incoming call's method is recognized when
   * the Peer serves it (a registered service method or a built-in), an outgoing call's always
   * (this application chose it).
   */
  private static boolean knownByDefault(RpcCall call, String method) {
    return call.direction() == RpcCall.Direction.OUTGOING || call.peer().localMethods().contains(method);
  }

  private static String version() {
    String v = RpcTelemetry.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  /**
   * Builds an {@link RpcTelemetry}. Not thread-safe.
   *
   * @since 0.2
   */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private Predicate<String> methods;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry == null");
    }

    /**
     * Which method names are recorded as they are in {@code rpc.method} and the span name; any
     * other is recorded as {@code _OTHER} (span name {@code jsonrpc}) with the name in {@code
     * rpc.method_original}, as the conventions require, so that a peer sending arbitrary names
     * cannot blow up the metrics' cardinality. Default: an incoming call's method when the Peer
     * serves it, an outgoing call's always.
     *
     * @param methods the recognized names, e.g. {@code Set.of("shop.order", "shop.cancel")::contains}
     * @return this builder
     */
    public Builder recognizedMethods(Predicate<String> methods) {
      this.methods = Objects.requireNonNull(methods, "methods == null");
      return this;
    }

    /**
     * Recognizes exactly these method names; see {@link #recognizedMethods(Predicate)}.
     *
     * @param methods the recognized names
     * @return this builder
     */
    public Builder recognizedMethods(Set<String> methods) {
      Set<String> copy = Set.copyOf(methods);
      return recognizedMethods(copy::contains);
    }

    /**
     * Builds the telemetry.
     *
     * @return the telemetry
     */
    public RpcTelemetry build() {
      return new RpcTelemetry(this);
    }
  }
}
