package dev.duplexrpc.core.internal.stream;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream this end receives, as the {@link Flow.Subscription} of the application's
 * subscriber: keeps the other end's credit at most one window ahead of what the subscriber has
 * taken (read-ahead), decodes the items and hands them over as the subscriber asks, then the end.
 * The wire's messages arrive on the transport's thread and are queued; decoding and every signal to
 * the subscriber run on the executor, one step at a time (a drain loop).
 */
final class Consumer<T> implements Flow.Subscription {
  private static final System.Logger LOG = System.getLogger(Consumer.class.getName());

  private record Wire(boolean end, JsonSlice params) {}

  private final Streams streams;
  private final TypeAdapter<T> adapter;
  private final Flow.Subscriber<? super T> subscriber;
  private final int window;
  private final ConcurrentLinkedQueue<Wire> wire = new ConcurrentLinkedQueue<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger(); // wire messages not yet decoded
  private volatile String id; // once attached
  private volatile boolean cancelled;
  private volatile Throwable aborted;
  private volatile Runnable beforeAttach; // what cancel() stops while there is no stream yet

  // the drain's own
  private final ArrayDeque<T> buffer = new ArrayDeque<>();
  private long granted; // credit sent, items not yet received
  private volatile boolean done; // read by attached(), which may race with a cancel

  Consumer(Streams streams, TypeAdapter<T> adapter, Flow.Subscriber<? super T> subscriber, int window) {
    this.streams = streams;
    this.adapter = adapter;
    this.subscriber = subscriber;
    this.window = window;
  }

  /** What to stop if the subscriber cancels before the stream is known (the call). */
  void beforeAttach(Runnable stop) {
    this.beforeAttach = stop;
    if (cancelled) {
      stop.run();
    }
  }

  boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      abort(new IllegalArgumentException("request(" + n + "): n must be positive (rule 3.9)"));
      return;
    }
    demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    schedule();
  }

  @Override
  public void cancel() {
    cancelled = true;
    Runnable stop = beforeAttach;
    if (stop != null && id == null) {
      stop.run();
    }
    schedule();
  }

  /** Bound to its stream id: the first credit goes out. */
  void attached(String id) {
    this.id = id;
    if (done) { // cancelled or failed meanwhile, by a pass that did not see the id yet
      if (streams.release(this, id)) {
        streams.send(StreamWire.CANCEL, out -> StreamWire.TOKEN.write(out, id));
      }
      return;
    }
    schedule();
  }

  /** Items or the end, from the transport's thread. */
  void wire(boolean end, JsonSlice params) {
    // Each message the producer may send carries at least one item of its credit: more messages
    // waiting than the window are a producer ignoring its credit, not to be buffered.
    if (queued.incrementAndGet() > window + 1) {
      abort(StreamWire.violation("the producer sent more items than its credit"));
      return;
    }
    wire.add(new Wire(end, params));
    schedule();
  }

  /** Ends the stream at once with {@code failure}, dropping what was not delivered. */
  void abort(Throwable failure) {
    if (aborted == null) {
      aborted = failure;
    }
    schedule();
  }

  private void schedule() {
    if (wip.getAndIncrement() == 0) {
      Defaults.execute(streams.executor(), this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      if (!done) {
        step();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void step() {
    if (cancelled) {
      finish();
      String sid = id; // read after done is set: attached() sees one or the other
      if (streams.release(this, sid)) {
        streams.send(StreamWire.CANCEL, out -> StreamWire.TOKEN.write(out, sid));
      }
      return;
    }
    String sid = id;
    if (aborted != null) {
      fail(aborted, sid);
      return;
    }
    while (true) {
      while (!buffer.isEmpty() && demand.get() > 0) {
        T item = buffer.poll();
        demand.decrementAndGet();
        try {
          subscriber.onNext(item);
        } catch (Throwable t) { // rule 2.13: the subscriber is broken; stop the stream
          LOG.log(Level.WARNING, "Stream subscriber failed in onNext; cancelling the stream", t);
          cancel();
          return;
        }
        if (cancelled || aborted != null) {
          return; // the next pass handles it
        }
      }
      if (!buffer.isEmpty()) {
        break; // waits for demand
      }
      Wire w = wire.poll();
      if (w == null) {
        break;
      }
      queued.decrementAndGet();
      if (w.end()) {
        finish();
        streams.release(this, sid);
        Throwable error = StreamWire.endError(w.params());
        if (error == null) {
          subscriber.onComplete();
        } else {
          subscriber.onError(error);
        }
        return;
      }
      try {
        decode(w.params());
      } catch (RuntimeException | IOException e) {
        fail(StreamWire.violation(String.valueOf(e.getMessage())), sid);
        return;
      }
    }
    grant(sid);
  }

  /** Tops the other end's credit up to the window, in steps of at least half of it. */
  private void grant(String sid) {
    if (sid == null) {
      return;
    }
    long free = window - granted - buffer.size();
    if (free > 0 && (free >= Math.max(1, window / 2) || granted == 0 && buffer.isEmpty())) {
      granted += free;
      long n = free;
      streams.send(StreamWire.REQUEST, out ->
          out.beginObject().name("stream").value(sid).name("n").value(n).endObject());
    }
  }

  private void decode(JsonSlice params) throws IOException {
    JsonReader in = params.reader();
    in.beginObject();
    while (in.hasNext()) {
      if (!"items".equals(in.nextName())) {
        in.skipValue();
        continue;
      }
      in.beginArray();
      while (in.hasNext()) {
        if (granted == 0) {
          throw new IllegalStateException("the producer sent more items than its credit");
        }
        if (in.peek() == JsonToken.NULL) {
          throw new IllegalStateException("a stream item is null");
        }
        buffer.add(adapter.read(in));
        granted--;
      }
      in.endArray();
    }
    in.endObject();
  }

  /** Ends the stream with {@code failure}; a producer still open is told to stop. */
  private void fail(Throwable failure, String sid) {
    finish();
    if (streams.release(this, sid)) {
      streams.send(StreamWire.CANCEL, out -> StreamWire.TOKEN.write(out, sid));
    }
    subscriber.onError(failure);
  }

  private void finish() {
    done = true;
    buffer.clear();
    wire.clear();
  }
}
