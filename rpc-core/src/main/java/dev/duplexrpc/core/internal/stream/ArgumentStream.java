package dev.duplexrpc.core.internal.stream;

import com.google.gson.TypeAdapter;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a handler gets for a {@code Flow.Publisher} parameter: the stream the caller offered,
 * consumed on its first (and only) subscription. A handler must subscribe before its call is
 * answered: the caller drops a stream nobody asked items of by then.
 */
final class ArgumentStream<T> implements Flow.Publisher<T> {
  private final Streams streams;
  private final String id;
  private final TypeAdapter<T> adapter;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ArgumentStream(Streams streams, String id, TypeAdapter<T> adapter) {
    this.streams = streams;
    this.id = id;
    this.adapter = adapter;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber == null");
    Consumer<T> c = streams.consumer(adapter, subscriber);
    subscriber.onSubscribe(c);
    if (!subscribed.compareAndSet(false, true)) {
      c.abort(new IllegalStateException("stream argument " + id + " can be subscribed to once"));
      return;
    }
    streams.attach(c, id);
  }

  @Override
  public String toString() {
    return "stream argument " + id;
  }
}
