package dev.duplexrpc.bench;

import java.io.IOException;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * One client connection of the generator: K slots, a send queue (one send at a time, as the JDK API
 * requires), replies matched to their slot by id, and, while measuring, each reply's latency
 * recorded and the calls and error replies counted. Slot {@code s} always sends the frame with id
 * {@code s + 1}, and sends it again as soon as its reply arrives, until the connection is told to
 * stop; {@link #drain} then waits for the replies still outstanding.
 */
final class PipelinedConnection extends Connections.Socket {
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final String[] frames;
  private final long[] started;
  private final int[] queue;
  private final Histogram latency;
  private int head;
  private int size;
  private boolean sending;
  private final StringBuilder partial = new StringBuilder();
  volatile boolean measuring;
  volatile boolean stopping;
  final AtomicInteger outstanding = new AtomicInteger();
  long calls; // guarded by this
  long errors; // guarded by this

  /**
   * @param frames the request frame of each slot
   * @param histogram whether to record latencies (read back with {@link #latency()})
   */
  PipelinedConnection(String[] frames, boolean histogram) {
    this.frames = frames;
    this.started = new long[frames.length];
    this.queue = new int[frames.length];
    this.latency = histogram ? new Histogram(1000, Measurement.MAX_LATENCY_NANOS, 3) : null;
  }

  /** The latencies recorded while measuring; null if none are recorded. Read holding this. */
  Histogram latency() {
    return latency;
  }

  /** Sends every slot once. */
  void begin() {
    for (int s = 0; s < frames.length; s++) {
      outstanding.incrementAndGet();
      enqueue(s, System.nanoTime());
    }
  }

  private void enqueue(int slot, long now) {
    synchronized (this) {
      started[slot] = now;
      queue[(head + size) % queue.length] = slot;
      size++;
      if (sending) {
        return;
      }
      sending = true;
    }
    pump();
  }

  private void pump() {
    while (true) {
      int slot;
      synchronized (this) {
        if (size == 0) {
          sending = false;
          return;
        }
        slot = queue[head];
        head = (head + 1) % queue.length;
        size--;
      }
      CompletableFuture<WebSocket> sent = ws.sendText(frames[slot], true);
      if (!sent.isDone()) {
        sent.whenComplete((w, e) -> {
          if (e != null) {
            fail(e);
          } else {
            pump();
          }
        });
        return;
      }
      if (sent.isCompletedExceptionally()) {
        sent.whenComplete((w, e) -> fail(e));
        return;
      }
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    if (!last) {
      partial.append(data);
      return null;
    }
    CharSequence message = data;
    if (partial.length() > 0) {
      partial.append(data);
      message = partial;
    }
    long now = System.nanoTime();
    int slot = Frames.idOf(message) - 1;
    boolean error = message.length() < 256 && Frames.contains(message, "\"error\"");
    if (partial.length() > 0) {
      partial.setLength(0);
    }
    synchronized (this) {
      if (slot < 0 || slot >= frames.length) {
        errors++;
        return null;
      }
      if (measuring) {
        if (latency != null) {
          latency.recordValue(Math.min(now - started[slot], Measurement.MAX_LATENCY_NANOS));
        }
        calls++;
        if (error) {
          errors++;
        }
      }
    }
    if (stopping) {
      if (outstanding.decrementAndGet() == 0) {
        synchronized (this) {
          notifyAll();
        }
      }
    } else {
      enqueue(slot, now);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    if (!stopping || outstanding.get() > 0) {
      fail(new IOException("server closed the connection: " + statusCode + " " + reason));
    }
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    fail(error);
  }

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
    }
    synchronized (this) {
      notifyAll();
    }
  }

  /**
   * Waits, up to {@link #DRAIN_TIMEOUT} for them all, until no connection has a reply outstanding;
   * fails on the first connection that failed or still waits at the deadline.
   */
  static void drain(List<PipelinedConnection> conns) throws IOException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    for (PipelinedConnection c : conns) {
      synchronized (c) {
        while (c.outstanding.get() > 0 && c.failure == null) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IOException("replies missing after " + DRAIN_TIMEOUT.toSeconds() + " s: "
                + c.outstanding.get() + " on one connection");
          }
          try {
            c.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        if (c.failure != null) {
          throw new IOException("connection failed: " + c.failure, c.failure);
        }
      }
    }
  }
}
