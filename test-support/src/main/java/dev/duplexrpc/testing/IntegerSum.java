package dev.duplexrpc.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Sums a stream of integers: what the stream tests' {@code sum(Flow.Publisher)} handlers do. */
public final class IntegerSum {
  private IntegerSum() {}

  /**
   * Subscribes to {@code numbers}, asking for everything at once, and sums what arrives.
   *
   * @param numbers the stream
   * @return completes with the sum when the stream ends, exceptionally with its error
   */
  public static CompletableFuture<Long> of(Flow.Publisher<Integer> numbers) {
    CompletableFuture<Long> total = new CompletableFuture<>();
    numbers.subscribe(new Flow.Subscriber<Integer>() {
      long sum;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(Integer item) {
        sum += item;
      }

      @Override
      public void onError(Throwable t) {
        total.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        total.complete(sum);
      }
    });
    return total;
  }
}
