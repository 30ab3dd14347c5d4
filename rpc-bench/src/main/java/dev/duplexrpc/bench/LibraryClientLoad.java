package dev.duplexrpc.bench;

import dev.duplexrpc.bench.servers.BenchService;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load from this library's own client, in the runner's process: typed async proxy calls of {@code
 * subtract}, K in flight per connection. Against the raw targets the handshake asks for {@code
 * mode=answer}, so that they answer each request with a pre-serialized result.
 */
final class LibraryClientLoad {
  private LibraryClientLoad() {}

  static Measurement run(URI uri, int connections, int inFlight, Duration warmup, Duration measure,
      LoadGenerator.Server server, LoadGenerator gen) throws IOException {
    URI answerUri = URI.create(uri + "?mode=answer");
    List<ClientConnection> conns = new ArrayList<>();
    State state = new State();
    try {
      for (int i = 0; i < connections; i++) {
        conns.add(RpcClient.builder().uri(answerUri).build().connect());
      }
      for (ClientConnection c : conns) {
        BenchService.Client client = c.remote(BenchService.Client.class);
        for (int k = 0; k < inFlight; k++) {
          state.outstanding.incrementAndGet();
          loop(client, state);
        }
      }
      sleep(warmup);
      state.recorder.reset();
      Window window = new Window(server);
      state.measuring = true;
      sleep(measure);
      gen.awaitFirstReply(state.answered::sum);
      state.measuring = false;
      Measurement counters = window.close(0, 0, null);
      Histogram h = state.recorder.getIntervalHistogram();
      state.stopping = true;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      synchronized (state) {
        while (state.outstanding.get() > 0 && System.nanoTime() < deadline) {
          try {
            state.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      if (state.outstanding.get() > 0) {
        throw new IOException(state.outstanding.get() + " calls unanswered 10 s after the end");
      }
      return counters.withCalls(h.getTotalCount(), state.errors.sum(), h);
    } finally {
      for (ClientConnection c : conns) {
        c.close();
      }
    }
  }

  private static final class State {
    final Recorder recorder = new Recorder(1000, Measurement.MAX_LATENCY_NANOS, 3);
    final AtomicInteger outstanding = new AtomicInteger();
    final LongAdder errors = new LongAdder();
    final java.util.concurrent.atomic.LongAdder answered = new java.util.concurrent.atomic.LongAdder();
    volatile boolean measuring;
    volatile boolean stopping;
  }

  private static void loop(BenchService.Client client, State state) {
    long t0 = System.nanoTime();
    client.subtract(42, 23).whenComplete((v, e) -> {
      if (state.measuring) {
        state.answered.increment();
        if (e != null || v == null || v != 19) {
          state.errors.increment();
        } else {
          state.recorder.recordValue(Math.min(System.nanoTime() - t0, Measurement.MAX_LATENCY_NANOS));
        }
      }
      if (state.stopping || e != null) {
        if (state.outstanding.decrementAndGet() == 0) {
          synchronized (state) {
            state.notifyAll();
          }
        }
      } else {
        loop(client, state);
      }
    });
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
