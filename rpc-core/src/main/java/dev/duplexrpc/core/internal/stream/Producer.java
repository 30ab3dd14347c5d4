package dev.duplexrpc.core.internal.stream;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.internal.Defaults;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stream this end sends: subscribes to the application's publisher at the first credit, asks
 * it for no more items than the other end's credit allows and never for more than the window
 * ahead of what was sent, writes each item as it comes (an item over the size limit ends the
 * stream), sends them in as few {@code rpc.stream.next} messages as fit, then the end. The
 * publisher's subscription, its {@code request} and {@code cancel} run on the executor, one step
 * at a time (a drain loop), never on the transport's thread.
 */
final class Producer implements Flow.Subscriber<Object> {
  private static final System.Logger LOG = System.getLogger(Producer.class.getName());
  private static final Object COMPLETE = new Object();

  final String id;
  private final Streams streams;
  private final Flow.Publisher<Object> publisher;
  private final TypeAdapter<Object> adapter;
  private final int window;
  private final AtomicInteger wip = new AtomicInteger();

  // guarded by this
  private long credit; // granted by the other end, not yet used by a sent item
  private long requested; // asked of the publisher, not yet received
  private final ArrayDeque<String> queue = new ArrayDeque<>(); // received, written, not yet sent
  private Object terminal; // null, COMPLETE or the failure
  private boolean subscribed;
  private boolean cancelled; // by the other end, the close, or a failure of ours
  private boolean cancelUpstream; // our own failure (item too large): the publisher must stop
  private boolean ended;
  private Flow.Subscription upstream;
  private boolean upstreamCancelled;
  private long unwritten; // characters handed to the transport and not yet written to the socket

  Producer(Streams streams, String id, Flow.Publisher<Object> publisher,
      TypeAdapter<Object> adapter, int window) {
    this.streams = streams;
    this.id = id;
    this.publisher = publisher;
    this.adapter = adapter;
    this.window = window;
  }

  /** Credit from the other end (non-positive credit is ignored). */
  void credit(long n) {
    if (n <= 0) {
      LOG.log(Level.DEBUG, "Stream {0}: ignoring credit that is not a positive integer", id);
      return;
    }
    synchronized (this) {
      credit = credit + n < 0 ? Long.MAX_VALUE : credit + n;
    }
    schedule();
  }

  /** The other end cancelled, or the connection closed: stop the publisher, send nothing more. */
  void cancel() {
    synchronized (this) {
      cancelled = true;
      queue.clear();
    }
    schedule();
  }

  /** Whether the other end never asked for an item. */
  synchronized boolean unclaimed() {
    return !subscribed && credit == 0;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    boolean refuse;
    synchronized (this) {
      refuse = upstream != null;
      if (!refuse) {
        upstream = s;
      }
    }
    if (refuse) {
      s.cancel(); // §2.5: one subscription only
    } else {
      schedule();
    }
  }

  @Override
  public void onNext(Object item) {
    String text = null;
    Throwable failure = null;
    try {
      if (item == null) {
        throw new NullPointerException("the publisher sent a null item"); // §2.13
      }
      text = streams.itemText(adapter, item);
      if (text.length() > streams.maxItemSize()) {
        failure = StreamWire.limit("stream item of " + text.length() + " characters is over the"
            + " limit of " + streams.maxItemSize());
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    synchronized (this) {
      if (cancelled || terminal != null) {
        return;
      }
      requested--;
      if (failure == null) {
        queue.add(text);
      } else {
        terminal = failure;
        cancelUpstream = true;
      }
    }
    schedule();
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      if (terminal == null) {
        terminal = t == null ? new NullPointerException("onError(null)") : t;
      }
    }
    schedule();
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (terminal == null) {
        terminal = COMPLETE;
      }
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
      try {
        step();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Stream " + id + " failed", e);
        synchronized (this) {
          cancelled = true;
          cancelUpstream = true;
        }
        streams.release(this);
        step();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** One pass: subscribe, stop, send what credit allows, end, ask the publisher for more. */
  private void step() {
    Flow.Subscription cancel = null;
    boolean subscribe = false;
    synchronized (this) {
      if ((cancelled || cancelUpstream) && upstream != null && !upstreamCancelled) {
        upstreamCancelled = true;
        cancel = upstream;
      }
      // Subscribed at the first credit; one that ends unclaimed is subscribed too, only to be
      // cancelled at once: every publisher handed to the library is consumed or cancelled.
      if (!subscribed && (credit > 0 || cancelled)) {
        subscribed = true;
        subscribe = true;
      }
    }
    if (cancel != null) {
      cancel.cancel();
    }
    if (subscribe) {
      try {
        publisher.subscribe(this); // onSubscribe comes now or later, and schedules a pass
      } catch (RuntimeException e) {
        onError(e);
      }
    }
    sendItems();
    Object end;
    long want = 0;
    Flow.Subscription ask = null;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      end = queue.isEmpty() && terminal != null && !ended ? terminal : null;
      if (end != null) {
        ended = true;
      } else if (terminal == null && upstream != null && !upstreamCancelled) {
        long outstanding = requested + queue.size();
        want = Math.min(credit - outstanding, window - outstanding);
        if (want > 0) {
          requested += want;
          ask = upstream;
        }
      }
    }
    if (end != null) {
      streams.release(this);
      streams.send(StreamWire.END, end == COMPLETE
          ? out -> StreamWire.TOKEN.write(out, id)
          : streams.endWithError(id, (Throwable) end));
    } else if (ask != null) {
      ask.request(want);
    }
  }

  /**
   * Sends the queued items that have credit, as many per message as fit, while the socket keeps
   * up: past {@code unwrittenBudget} characters not yet written, items wait in the queue (which
   * holds at most the window) until the transport has written the earlier ones.
   */
  private void sendItems() {
    int budget = streams.itemBudget(id);
    while (true) {
      List<String> batch = new ArrayList<>();
      synchronized (this) {
        int size = 0;
        while (!cancelled && credit > 0 && !queue.isEmpty() && unwritten < streams.unwrittenBudget()) {
          String next = queue.peek();
          if (!batch.isEmpty() && size + next.length() + 1 > budget) {
            break;
          }
          batch.add(queue.poll());
          size += next.length() + 1;
          credit--;
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      String text = streams.text(StreamWire.NEXT, out -> {
        out.beginObject().name("stream").value(id).name("items").beginArray();
        for (String item : batch) {
          out.jsonValue(item);
        }
        out.endArray().endObject();
      });
      int length = text.length();
      synchronized (this) {
        unwritten += length;
      }
      java.util.concurrent.CompletableFuture<Void> written = streams.transmit(text);
      if (written != null) {
        written.whenComplete((v, e) -> {
          synchronized (this) {
            unwritten -= length;
          }
          schedule();
        });
      }
    }
  }
}
