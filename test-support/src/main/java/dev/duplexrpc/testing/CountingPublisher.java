package dev.duplexrpc.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A publisher of the integers {@code 0 .. count-1} that emits only what its subscriber asked for,
 * on the thread that asked (a drain loop), and records what a stream test asserts: how many items
 * it emitted, the largest demand ever outstanding, and whether it was cancelled. It can fail after
 * a number of items instead of completing. One subscriber.
 */
public final class CountingPublisher implements Flow.Publisher<Integer> {
  private final long count;
  private final long failAfter;
  private final Supplier<? extends Throwable> failure;
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong maxOutstanding = new AtomicLong();
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();

  private CountingPublisher(long count, long failAfter, Supplier<? extends Throwable> failure) {
    this.count = count;
    this.failAfter = failAfter;
    this.failure = failure;
  }

  /** Emits {@code 0 .. count-1}, then completes. */
  public static CountingPublisher of(long count) {
    return new CountingPublisher(count, -1, null);
  }

  /** Emits {@code 0 .. items-1}, then fails with what {@code failure} gives. */
  public static CountingPublisher failingAfter(long items, Supplier<? extends Throwable> failure) {
    return new CountingPublisher(Long.MAX_VALUE, items, failure);
  }

  /** Items emitted so far. */
  public long emitted() {
    return emitted.get();
  }

  /** The largest demand (requested, not yet emitted) it ever had. */
  public long maxOutstanding() {
    return maxOutstanding.get();
  }

  /** Completes when the subscriber cancels. */
  public CompletableFuture<Void> cancelled() {
    return cancelled;
  }

  /** Completes when a subscriber subscribed. */
  public CompletableFuture<Void> subscribed() {
    return subscribed;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Integer> s) {
    subscribed.complete(null);
    s.onSubscribe(new Flow.Subscription() {
      private final AtomicLong demand = new AtomicLong();
      private final AtomicInteger wip = new AtomicInteger();
      private volatile boolean done;

      @Override
      public void request(long n) {
        long d = demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        maxOutstanding.accumulateAndGet(d, Math::max);
        if (wip.getAndIncrement() != 0) {
          return;
        }
        int missed = 1;
        do {
          while (!done && demand.get() > 0) {
            long i = emitted.get();
            if (i == failAfter) {
              done = true;
              s.onError(failure.get());
              break;
            }
            if (i == count) {
              done = true;
              s.onComplete();
              break;
            }
            emitted.incrementAndGet();
            demand.decrementAndGet();
            s.onNext((int) i);
          }
          missed = wip.addAndGet(-missed);
        } while (missed != 0);
      }

      @Override
      public void cancel() {
        done = true;
        cancelled.complete(null);
      }
    });
  }
}
