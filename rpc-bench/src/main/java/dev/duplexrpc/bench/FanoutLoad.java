package dev.duplexrpc.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Event fan-out ({@code fanout:N}) against one server: N raw subscribers send the {@code
 * rpc-websockets} subscription {@code rpc.on ["tick"]}, then one more connection calls {@code
 * bench.fanout(count)}, which publishes {@code count} events named {@code tick} (the library's
 * {@code events().publish}, {@code rpc-websockets}' {@code emit}), one call after the other for the
 * measured time. The figure is deliveries per second, from the first call to the last delivery,
 * and the server's CPU per 1,000 deliveries.
 */
final class FanoutLoad {
  /** About this many deliveries per {@code bench.fanout} call. */
  private static final int DELIVERIES_PER_CALL = 2_000;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);

  private FanoutLoad() {}

  /** A subscriber: counts the event frames it receives. */
  private static final class Subscriber extends Connections.Socket {
    final LongAdder delivered;
    final CountDownLatch subscribed;

    Subscriber(LongAdder delivered, CountDownLatch subscribed) {
      this.delivered = delivered;
      this.subscribed = subscribed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (last) {
        if (indexOf(data, "\"id\"") >= 0) {
          subscribed.countDown(); // the answer to rpc.on
        } else {
          delivered.increment();
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** The publishing connection: one call at a time, its answer awaited. */
  private static final class Publisher extends Connections.Socket {
    private final AtomicLong ids = new AtomicLong();
    private volatile CompletableFuture<String> answer;

    String call(int count) throws IOException {
      CompletableFuture<String> f = new CompletableFuture<>();
      answer = f;
      ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
          + ",\"method\":\"bench.fanout\",\"params\":[" + count + "]}", true);
      try {
        String reply = f.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!reply.contains("\"result\"")) {
          throw new IOException("bench.fanout failed: " + reply);
        }
        return reply;
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("bench.fanout unanswered: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      CompletableFuture<String> f = answer;
      if (last && f != null) {
        f.complete(data.toString());
      }
      ws.request(1);
      return null;
    }
  }

  static Measurement run(URI uri, int subscribers, Duration warmup, Duration measure,
      LoadGenerator.Server server) throws IOException {
    LongAdder delivered = new LongAdder();
    CountDownLatch subscribed = new CountDownLatch(subscribers);
    URI eventsUri = URI.create(uri + "?events=rpc-websockets");
    try (Connections connections = new Connections(2)) {
      List<Subscriber> subs =
          connections.open(eventsUri, subscribers, () -> new Subscriber(delivered, subscribed));
      List<Publisher> pub = List.of();
      try {
        for (Subscriber s : subs) {
          s.ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.on\",\"params\":[\"tick\"]}", true);
        }
        if (!subscribed.await(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IOException(subscribed.getCount() + " of " + subscribers + " never subscribed");
        }
        pub = connections.open(uri, 1, Publisher::new);
        Publisher p = pub.get(0);
        int batch = Math.max(1, DELIVERIES_PER_CALL / subscribers);
        publishFor(p, batch, warmup, delivered, subscribers);
        delivered.reset();
        Window window = new Window(server);
        publishFor(p, batch, measure, delivered, subscribers); // returns once all are delivered
        return window.close(delivered.sum(), 0, null);
      } finally {
        Connections.close(pub);
        Connections.close(subs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Publishes batches for {@code d}, then waits for their deliveries; returns the events. */
  private static long publishFor(Publisher p, int batch, Duration d, LongAdder delivered, int subscribers)
      throws IOException, InterruptedException {
    long base = delivered.sum();
    long events = 0;
    long end = System.nanoTime() + d.toNanos();
    do {
      p.call(batch);
      events += batch;
    } while (System.nanoTime() < end);
    if (!awaitCount(delivered, base + events * subscribers, DRAIN_TIMEOUT)) {
      throw new IOException("only " + (delivered.sum() - base) + " of " + events * subscribers
          + " events delivered");
    }
    return events;
  }

  private static boolean awaitCount(LongAdder counter, long expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (counter.sum() < expected) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1); // polling a counter the socket threads update
    }
    return true;
  }

  private static int indexOf(CharSequence s, String what) {
    return s.toString().indexOf(what);
  }
}
