package dev.duplexrpc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A subscriber that a stream test drives: it asks for {@code batch} items at a time (as each batch
 * is used up), keeps the first {@code keep} items, counts them all, runs an optional hook per item,
 * and completes {@link #done()} with the stream's end (exceptionally with its error).
 */
public final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
  private final long batch;
  private final int keep;
  private final Consumer<T> onItem;
  private final List<T> items = new ArrayList<>();
  private final AtomicLong count = new AtomicLong();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
  private long left;

  /**
   * @param batch items asked for at a time; 0 asks for nothing until {@link #request} is called
   * @param keep how many of the first items to keep for {@link #items()}
   * @param onItem runs on each item, after it was counted; may be null
   */
  public RecordingSubscriber(long batch, int keep, Consumer<T> onItem) {
    this.batch = batch;
    this.keep = keep;
    this.onItem = onItem;
  }

  /** Asks for everything, keeps everything. */
  public static <T> RecordingSubscriber<T> all() {
    return new RecordingSubscriber<>(Long.MAX_VALUE, Integer.MAX_VALUE, null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription.complete(s);
    if (batch > 0) {
      left = batch;
      s.request(batch);
    }
  }

  @Override
  public void onNext(T item) {
    long n = count.incrementAndGet();
    synchronized (items) {
      if (items.size() < keep) {
        items.add(item);
      }
    }
    if (onItem != null) {
      onItem.accept(item);
    }
    if (batch > 0 && batch != Long.MAX_VALUE && --left == 0) {
      left = batch;
      subscription.join().request(batch);
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  /** Asks for more. */
  public void request(long n) {
    subscription.join().request(n);
  }

  /** Cancels the subscription. */
  public void cancel() {
    subscription.join().cancel();
  }

  /** Items received so far. */
  public long count() {
    return count.get();
  }

  /** A copy of the items kept. */
  public List<T> items() {
    synchronized (items) {
      return new ArrayList<>(items);
    }
  }

  /** The stream's end. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** The subscription, once given. */
  public CompletableFuture<Flow.Subscription> subscription() {
    return subscription;
  }
}
