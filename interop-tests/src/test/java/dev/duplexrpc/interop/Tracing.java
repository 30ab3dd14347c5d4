package dev.duplexrpc.interop;

import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.opentelemetry.RpcTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The OpenTelemetry interceptor every interop test installs, every call sampled: the Node peers
 * do not agree the wire extensions, so they must see plain JSON-RPC 2.0 with tracing on too.
 */
final class Tracing {
  private static final RpcInterceptor INTERCEPTOR = RpcTelemetry.create(OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build()).interceptor();

  private Tracing() {}

  static RpcInterceptor on() {
    return INTERCEPTOR;
  }
}
