package dev.duplexrpc.bench.servers;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A publisher of {@code 0 .. count-1} that emits exactly what its subscriber asks for, on the
 * asking thread (a drain loop): the cheapest producer, so that the bench measures the stream's
 * path and not the source.
 */
final class Counter implements Flow.Publisher<Integer> {
  private final int count;

  Counter(int count) {
    this.count = count;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Integer> s) {
    s.onSubscribe(new Flow.Subscription() {
      private final AtomicLong demand = new AtomicLong();
      private final AtomicInteger wip = new AtomicInteger();
      private int next;
      private volatile boolean done;

      @Override
      public void request(long n) {
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        if (wip.getAndIncrement() != 0) {
          return;
        }
        int missed = 1;
        do {
          while (!done && demand.get() > 0) {
            if (next == count) {
              done = true;
              s.onComplete();
              break;
            }
            demand.decrementAndGet();
            s.onNext(next++);
          }
          missed = wip.addAndGet(-missed);
        } while (missed != 0);
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }
}
