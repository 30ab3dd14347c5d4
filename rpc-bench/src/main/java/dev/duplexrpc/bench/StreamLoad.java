package dev.duplexrpc.bench;

import dev.duplexrpc.bench.servers.BenchService;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.LongAdder;

/**
 * One stream result, consumed by this library's client in the runner's process as fast as it
 * comes (the credit window of the default {@code StreamSettings}): the items that arrive during the
 * measured window, per second. The stream is endless; it is cancelled at the end.
 */
final class StreamLoad {
  private StreamLoad() {}

  /** The caller's view of the bench service's stream. */
  interface Streams {
    @dev.duplexrpc.core.annotation.RpcMethod("bench.stream")
    Flow.Publisher<Integer> stream(int count);
  }

  static Measurement run(URI uri, Duration warmup, Duration measure, LoadGenerator.Server server)
      throws IOException {
    LongAdder items = new LongAdder();
    LongAdder errors = new LongAdder();
    CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    try (ClientConnection c = RpcClient.builder().uri(uri).build().connect()) {
      c.remote(Streams.class).stream(Integer.MAX_VALUE).subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription.complete(s);
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Integer item) {
          items.increment();
        }

        @Override
        public void onError(Throwable t) {
          errors.increment();
          ended.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          ended.complete(null);
        }
      });
      sleep(warmup);
      if (ended.isCompletedExceptionally()) {
        throw new IOException("the stream failed: " + ended.handle((v, e) -> e).join());
      }
      Window window = new Window(server);
      long before = items.sum();
      sleep(measure);
      long counted = items.sum() - before;
      Measurement m = window.close(counted, errors.sum(), null);
      subscription.join().cancel();
      return m;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
