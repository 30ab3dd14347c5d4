package dev.duplexrpc.cli;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The numbers {@code 0 .. count-1}, emitted as the subscriber asks for them (a drain loop). */
final class Range implements Flow.Publisher<Long> {
  private final long count;

  Range(long count) {
    this.count = count;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Long> s) {
    s.onSubscribe(new Flow.Subscription() {
      private final AtomicLong demand = new AtomicLong();
      private final AtomicInteger wip = new AtomicInteger();
      private long next;
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
