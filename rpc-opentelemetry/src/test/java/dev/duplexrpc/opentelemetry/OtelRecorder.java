package dev.duplexrpc.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An OpenTelemetry SDK that records into the SDK's in-memory span exporter and metric reader,
 * always sampled, with the W3C propagator; {@link #spans(int)} waits for spans to end.
 */
final class OtelRecorder implements AutoCloseable {
  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final Semaphore ended = new Semaphore(0);
  final OpenTelemetrySdk sdk;

  OtelRecorder() {
    SpanProcessor simple = SimpleSpanProcessor.create(exporter);
    SpanProcessor counting = new SpanProcessor() {
      @Override
      public void onStart(Context parent, ReadWriteSpan span) {}

      @Override
      public boolean isStartRequired() {
        return false;
      }

      @Override
      public void onEnd(ReadableSpan span) {
        simple.onEnd(span);
        ended.release();
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }

      @Override
      public CompletableResultCode shutdown() {
        return simple.shutdown();
      }
    };
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
            .addSpanProcessor(counting).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Waits for {@code n} more spans to end; returns every span ended so far, by start time. */
  List<SpanData> spans(int n) throws InterruptedException {
    assertTrue(ended.tryAcquire(n, 10, TimeUnit.SECONDS), "fewer than " + n + " spans ended");
    List<SpanData> all = new ArrayList<>(exporter.getFinishedSpanItems());
    all.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return all;
  }

  /** Asserts that no span ended beyond those taken. */
  void assertNoMoreSpans() {
    assertTrue(ended.availablePermits() == 0, "unexpected spans: " + exporter.getFinishedSpanItems());
  }

  /** The points of one histogram. */
  List<HistogramPointData> histogram(String name) {
    List<HistogramPointData> points = new ArrayList<>();
    for (MetricData m : metrics.collectAllMetrics()) {
      if (m.getName().equals(name)) {
        points.addAll(m.getHistogramData().getPoints());
      }
    }
    return points;
  }

  /** The one span of a kind and name among {@code spans}. */
  static SpanData span(List<SpanData> spans, io.opentelemetry.api.trace.SpanKind kind, String name) {
    List<SpanData> found = spans.stream()
        .filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
    assertTrue(found.size() == 1, "expected one " + kind + " " + name + " in " + spans);
    return found.get(0);
  }

  static <T> T attr(SpanData span, AttributeKey<T> key) {
    return span.getAttributes().get(key);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
