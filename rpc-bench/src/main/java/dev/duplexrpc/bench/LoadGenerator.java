package dev.duplexrpc.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The one load generator every target is measured with, and the runner of its scenarios: opens the
 * connections, warms up, measures a window, stops sending and drains, then sums what the
 * connections counted into a {@link Measurement}. The connections themselves are {@link
 * PipelinedConnection}s (K requests pipelined per connection, pre-serialized request frames, replies
 * matched by id) or, for server-to-client calls, {@link PushAnswerer}s, opened by {@link
 * Connections} over the JDK's {@code java.net.http.WebSocket}, many connections over few threads. It
 * knows nothing about the server under test beyond the frames. Every phase is bounded in time;
 * nothing waits without a timeout.
 */
final class LoadGenerator implements AutoCloseable {
  /** The longest a measured window is stretched while it has seen no reply at all. */
  private static final Duration FIRST_REPLY_TIMEOUT = Duration.ofSeconds(10);

  private final Connections connections;
  private final boolean untilFirstReply;

  /**
   * @param threads the number of HTTP clients, each with one selector thread
   * @param untilFirstReply whether a measured window that has seen no reply yet is stretched until
   *     one arrives (up to {@link #FIRST_REPLY_TIMEOUT}): a smoke run checks that every target
   *     answers, and on an overloaded machine a whole short window can pass while the server or the
   *     generator waits for a CPU
   */
  LoadGenerator(int threads, boolean untilFirstReply) {
    this.untilFirstReply = untilFirstReply;
    this.connections = new Connections(threads);
  }

  /** The server under load, as the generator sees it from outside. */
  interface Server {
    /** Write system calls the server process has made so far, or -1 if unknown. */
    default long writeSyscalls() {
      return -1;
    }

    /** CPU time (user + system) the server process has used so far, in nanoseconds. */
    long cpuNanos();

    /** Time the server's threads have spent runnable but waiting for a CPU, in nanoseconds. */
    long runQueueWaitNanos();
  }

  /**
   * Runs pipelined calls: warms up, measures, then stops sending and drains.
   *
   * @param uri the server
   * @param connections connections
   * @param inFlight requests in flight per connection
   * @param payload echo payload, 0 for subtract
   * @param warmup warm-up time, not measured
   * @param measure measured time
   * @param server the server's CPU and run-queue counters
   */
  Measurement calls(URI uri, int connections, int inFlight, int payload, Duration warmup, Duration measure,
      Server server) throws IOException {
    String[] frames = new String[inFlight];
    for (int i = 0; i < inFlight; i++) {
      frames[i] = Frames.frame(i + 1, payload); // ids from 1: rpc-websockets takes id 0 for a notification
    }
    List<PipelinedConnection> conns =
        this.connections.open(uri, connections, () -> new PipelinedConnection(frames, true));
    try {
      for (PipelinedConnection c : conns) {
        c.begin();
      }
      sleep(warmup);
      Window window = new Window(server);
      for (PipelinedConnection c : conns) {
        c.measuring = true;
      }
      sleep(measure);
      awaitFirstReply(() -> {
        long n = 0;
        for (PipelinedConnection c : conns) {
          synchronized (c) {
            n += c.calls;
          }
        }
        return n;
      });
      for (PipelinedConnection c : conns) {
        c.measuring = false;
      }
      Measurement counters = window.close(0, 0, null);
      for (PipelinedConnection c : conns) {
        c.stopping = true;
      }
      PipelinedConnection.drain(conns);
      Histogram total = new Histogram(1000, Measurement.MAX_LATENCY_NANOS, 3);
      long calls = 0;
      long errors = 0;
      for (PipelinedConnection c : conns) {
        synchronized (c) {
          total.add(c.latency());
          calls += c.calls;
          errors += c.errors;
        }
      }
      return counters.withCalls(calls, errors, total);
    } finally {
      Connections.close(conns);
    }
  }

  /**
   * Opens idle connections, runs {@code whileOpen}, then checks that every connection still
   * answers one call.
   *
   * @return the number of connections that answered
   */
  int idle(URI uri, int connections, Runnable whileOpen) throws IOException {
    String[] frames = {Frames.frame(1, 0)};
    List<PipelinedConnection> conns =
        this.connections.open(uri, connections, () -> new PipelinedConnection(frames, false));
    try {
      whileOpen.run();
      for (PipelinedConnection c : conns) {
        c.stopping = true; // one call each, no resend
        c.measuring = true;
        c.begin();
      }
      PipelinedConnection.drain(conns);
      int answered = 0;
      for (PipelinedConnection c : conns) {
        synchronized (c) {
          if (c.calls == 1 && c.errors == 0) {
            answered++;
          }
        }
      }
      return answered;
    } finally {
      Connections.close(conns);
    }
  }

  /**
   * Server-to-client calls: asks the server (notification {@code bench.push}) to keep {@code
   * inFlight} calls to our {@code subtract} going, answers each with a frame built around the
   * request's id, and counts the requests answered in the measured window.
   */
  Measurement serverCalls(URI uri, int connections, int inFlight, Duration warmup, Duration measure,
      Server server) throws IOException {
    URI pushUri = URI.create(uri + "?mode=push&k=" + inFlight);
    List<PushAnswerer> conns = this.connections.open(pushUri, connections, PushAnswerer::new);
    try {
      for (PushAnswerer a : conns) {
        a.send("{\"jsonrpc\":\"2.0\",\"method\":\"bench.push\",\"params\":[" + inFlight + "]}");
      }
      sleep(warmup);
      Window window = new Window(server);
      for (PushAnswerer a : conns) {
        a.measuring = true;
      }
      sleep(measure);
      awaitFirstReply(() -> {
        long n = 0;
        for (PushAnswerer a : conns) {
          synchronized (a) {
            n += a.calls;
          }
        }
        return n;
      });
      for (PushAnswerer a : conns) {
        a.measuring = false;
      }
      Measurement counters = window.close(0, 0, null);
      long calls = 0;
      long errors = 0;
      for (PushAnswerer a : conns) {
        synchronized (a) {
          calls += a.calls;
          errors += a.errors;
        }
        if (a.failure != null) {
          throw new IOException("connection failed: " + a.failure, a.failure);
        }
      }
      return counters.withCalls(calls, errors, null);
    } finally {
      Connections.close(conns);
    }
  }

  /**
   * If this generator stretches windows, waits while {@code replies} reads 0, up to {@link
   * #FIRST_REPLY_TIMEOUT}.
   */
  void awaitFirstReply(LongSupplier replies) {
    if (!untilFirstReply) {
      return;
    }
    long deadline = System.nanoTime() + FIRST_REPLY_TIMEOUT.toNanos();
    while (replies.getAsLong() == 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(10));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    connections.close();
  }
}
