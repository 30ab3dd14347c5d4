package dev.duplexrpc.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The one load generator every target is measured with: the JDK's {@code java.net.http.WebSocket}
 * with a direct executor (callbacks run on the client's selector thread, the cheapest in CPU),
 * pre-serialized request frames, replies matched by id, K requests pipelined per connection, many
 * connections over few threads. It knows nothing about the server under test beyond the frames.
 *
 * <p>Each connection has K slots; slot {@code s} always sends the frame with id {@code s + 1}, and
 * sends it again as soon as its reply arrives. Every phase is bounded in time; nothing waits
 * without a timeout.
 */
final class LoadGenerator implements AutoCloseable {
  /** The longest latency recorded; anything slower is recorded as this. */
  static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
  private static final int CONNECT_BATCH = 200;

  /** The longest a measured window is stretched while it has seen no reply at all. */
  private static final Duration FIRST_REPLY_TIMEOUT = Duration.ofSeconds(10);

  private final List<HttpClient> clients = new ArrayList<>();
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
    for (int i = 0; i < Math.max(1, threads); i++) {
      clients.add(HttpClient.newBuilder().executor(Runnable::run).build());
    }
  }

  /** The server under load, as the generator sees it from outside. */
  interface Server {
    /** CPU time (user + system) the server process has used so far, in nanoseconds. */
    long cpuNanos();

    /** Time the server's threads have spent runnable but waiting for a CPU, in nanoseconds. */
    long runQueueWaitNanos();
  }

  /**
   * What one measured window produced.
   *
   * @param serverWaitNanos time the server's threads spent waiting for a CPU, summed over threads
   * @param generatorWaitNanos the same for the generator's threads
   */
  record Measurement(long calls, long errors, double seconds, Histogram latency, long serverCpuNanos,
      long generatorCpuNanos, long serverWaitNanos, long generatorWaitNanos) {
    double callsPerSecond() {
      return calls / seconds;
    }

    /** The server's threads waiting for a CPU, on average over the window: above 1, it was starved. */
    double serverThreadsWaiting() {
      return serverWaitNanos < 0 ? Double.NaN : serverWaitNanos / (seconds * 1e9);
    }

    /** The generator's threads waiting for a CPU, on average over the window. */
    double generatorThreadsWaiting() {
      return generatorWaitNanos < 0 ? Double.NaN : generatorWaitNanos / (seconds * 1e9);
    }
  }

  /** The server's and the generator's CPU and run-queue wait from its opening to {@link #close}. */
  static final class Window {
    private final Server server;
    private final long t0;
    private final long cpu0;
    private final long wait0;
    private final long gen0;
    private final long genWait0;

    Window(Server server) {
      this.server = server;
      long self = ProcessHandle.current().pid();
      this.cpu0 = server.cpuNanos();
      this.wait0 = server.runQueueWaitNanos();
      this.gen0 = Proc.cpuNanos(self);
      this.genWait0 = Proc.runQueueWaitNanos(self);
      this.t0 = System.nanoTime();
    }

    /** Ends the window (time first, then the counters) and returns its measurement. */
    Measurement close(long calls, long errors, Histogram latency) {
      long t1 = System.nanoTime();
      long self = ProcessHandle.current().pid();
      long cpu1 = server.cpuNanos();
      long wait1 = server.runQueueWaitNanos();
      long gen1 = Proc.cpuNanos(self);
      long genWait1 = Proc.runQueueWaitNanos(self);
      return new Measurement(calls, errors, (t1 - t0) / 1e9, latency, cpu1 - cpu0, gen1 - gen0,
          wait0 < 0 || wait1 < 0 ? -1 : wait1 - wait0, genWait0 < 0 || genWait1 < 0 ? -1 : genWait1 - genWait0);
    }
  }

  /** A request frame with this id. */
  static String frame(int id, int payload) {
    if (payload == 0) {
      return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"subtract\",\"params\":[42,23]}";
    }
    char[] text = new char[payload];
    Arrays.fill(text, 'x');
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"echo\",\"params\":[\""
        + new String(text) + "\"]}";
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
      frames[i] = frame(i + 1, payload); // ids from 1: rpc-websockets takes id 0 for a notification
    }
    List<Conn> conns = open(uri, connections, () -> new Conn(frames, true));
    try {
      for (Conn c : conns) {
        c.begin();
      }
      sleep(warmup);
      Window window = new Window(server);
      for (Conn c : conns) {
        c.measuring = true;
      }
      sleep(measure);
      awaitFirstReply(() -> {
        long n = 0;
        for (Conn c : conns) {
          synchronized (c) {
            n += c.calls;
          }
        }
        return n;
      });
      for (Conn c : conns) {
        c.measuring = false;
      }
      Measurement counters = window.close(0, 0, null);
      for (Conn c : conns) {
        c.stopping = true;
      }
      drain(conns);
      Histogram total = new Histogram(1000, MAX_LATENCY_NANOS, 3);
      long calls = 0;
      long errors = 0;
      for (Conn c : conns) {
        synchronized (c) {
          total.add(c.latency);
          calls += c.calls;
          errors += c.errors;
        }
      }
      return withCalls(counters, calls, errors, total);
    } finally {
      close(conns);
    }
  }

  /**
   * Opens idle connections, runs {@code whileOpen}, then checks that every connection still
   * answers one call.
   *
   * @return the number of connections that answered
   */
  int idle(URI uri, int connections, Runnable whileOpen) throws IOException {
    String[] frames = {frame(1, 0)};
    List<Conn> conns = open(uri, connections, () -> new Conn(frames, false));
    try {
      whileOpen.run();
      for (Conn c : conns) {
        c.stopping = true; // one call each, no resend
        c.measuring = true;
        c.begin();
      }
      drain(conns);
      int answered = 0;
      for (Conn c : conns) {
        synchronized (c) {
          if (c.calls == 1 && c.errors == 0) {
            answered++;
          }
        }
      }
      return answered;
    } finally {
      close(conns);
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
    List<Answerer> conns = open(pushUri, connections, Answerer::new);
    try {
      for (Answerer a : conns) {
        a.send("{\"jsonrpc\":\"2.0\",\"method\":\"bench.push\",\"params\":[" + inFlight + "]}");
      }
      sleep(warmup);
      Window window = new Window(server);
      for (Answerer a : conns) {
        a.measuring = true;
      }
      sleep(measure);
      awaitFirstReply(() -> {
        long n = 0;
        for (Answerer a : conns) {
          synchronized (a) {
            n += a.calls;
          }
        }
        return n;
      });
      for (Answerer a : conns) {
        a.measuring = false;
      }
      Measurement counters = window.close(0, 0, null);
      long calls = 0;
      long errors = 0;
      for (Answerer a : conns) {
        synchronized (a) {
          calls += a.calls;
          errors += a.errors;
        }
        if (a.failure != null) {
          throw new IOException("connection failed: " + a.failure, a.failure);
        }
      }
      return withCalls(counters, calls, errors, null);
    } finally {
      close(conns);
    }
  }

  /** A window's counters with the calls counted once the replies are in. */
  static Measurement withCalls(Measurement m, long calls, long errors, Histogram latency) {
    return new Measurement(calls, errors, m.seconds(), latency, m.serverCpuNanos(), m.generatorCpuNanos(),
        m.serverWaitNanos(), m.generatorWaitNanos());
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

  private interface ConnFactory<C extends Socket> {
    C create();
  }

  /** What {@link #open} and {@link #close} need of a connection. */
  abstract static class Socket implements WebSocket.Listener {
    volatile WebSocket ws;
    volatile Throwable failure;
  }

  /** The generator's side of server-to-client calls: answers every request. */
  static final class Answerer extends Socket {
    private final java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private boolean sending;
    volatile boolean measuring;
    long calls; // guarded by this
    long errors; // guarded by this

    void send(String text) {
      synchronized (this) {
        queue.add(text);
        if (sending) {
          return;
        }
        sending = true;
      }
      pump();
    }

    private void pump() {
      while (true) {
        String text;
        synchronized (this) {
          text = queue.poll();
          if (text == null) {
            sending = false;
            return;
          }
        }
        CompletableFuture<WebSocket> sent = ws.sendText(text, true);
        if (!sent.isDone()) {
          sent.whenComplete((w, e) -> {
            if (e != null) {
              failure = e;
            } else {
              pump();
            }
          });
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
      int i = Conn.indexOf(message, "\"id\":");
      String id = null;
      if (i >= 0) {
        int end = i + 5;
        while (end < message.length() && message.charAt(end) != ',' && message.charAt(end) != '}') {
          end++;
        }
        id = message.subSequence(i + 5, end).toString();
      }
      if (partial.length() > 0) {
        partial.setLength(0);
      }
      synchronized (this) {
        if (id == null) {
          errors++;
          return null;
        }
        if (measuring) {
          calls++;
        }
      }
      send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":19}");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      failure = error;
    }
  }

  private <C extends Socket> List<C> open(URI uri, int n, ConnFactory<C> factory) throws IOException {
    List<C> conns = new ArrayList<>(n);
    try {
      for (int start = 0; start < n; start += CONNECT_BATCH) {
        List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(n, start + CONNECT_BATCH); i++) {
          C c = factory.create();
          conns.add(c);
          batch.add(clients.get(i % clients.size()).newWebSocketBuilder()
              .connectTimeout(CONNECT_TIMEOUT)
              .buildAsync(uri, c)
              .thenApply(ws -> c.ws = ws));
        }
        CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0]))
            .get(CONNECT_TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
      }
      return conns;
    } catch (ExecutionException | TimeoutException e) {
      close(conns);
      throw new IOException("could not open " + n + " connections to " + uri + " (" + conns.size()
          + " started): " + (e.getCause() != null ? e.getCause() : e), e);
    } catch (InterruptedException e) {
      close(conns);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void drain(List<Conn> conns) throws IOException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    for (Conn c : conns) {
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

  private static void close(List<? extends Socket> conns) {
    List<CompletableFuture<?>> closing = new ArrayList<>();
    for (Socket c : conns) {
      WebSocket ws = c.ws;
      if (ws != null && !ws.isOutputClosed()) {
        closing.add(ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null));
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // aborted below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Socket c : conns) {
      WebSocket ws = c.ws;
      if (ws != null) {
        ws.abort();
      }
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
    clients.clear(); // HttpClient threads end once unreferenced (JDK 17 has no HttpClient.close)
  }

  /** One connection: K slots, a send queue (one send at a time, as the JDK API requires). */
  static final class Conn extends Socket {
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

    Conn(String[] frames, boolean histogram) {
      this.frames = frames;
      this.started = new long[frames.length];
      this.queue = new int[frames.length];
      this.latency = histogram ? new Histogram(1000, MAX_LATENCY_NANOS, 3) : null;
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
      int slot = idOf(message) - 1;
      boolean error = message.length() < 256 && contains(message, "\"error\"");
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
            latency.recordValue(Math.min(now - started[slot], MAX_LATENCY_NANOS));
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

    /** The integer after the first {@code "id":}, quoted or not; -1 if there is none. */
    static int idOf(CharSequence s) {
      int i = indexOf(s, "\"id\":");
      if (i < 0) {
        return -1;
      }
      i += 5;
      int n = s.length();
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '"')) {
        i++;
      }
      int v = 0;
      int digits = 0;
      while (i < n) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        v = v * 10 + (c - '0');
        digits++;
        i++;
      }
      return digits == 0 || digits > 9 ? -1 : v;
    }

    static boolean contains(CharSequence s, String what) {
      return indexOf(s, what) >= 0;
    }

    static int indexOf(CharSequence s, String what) {
      int n = s.length() - what.length();
      char first = what.charAt(0);
      outer:
      for (int i = 0; i <= n; i++) {
        if (s.charAt(i) != first) {
          continue;
        }
        for (int j = 1; j < what.length(); j++) {
          if (s.charAt(i + j) != what.charAt(j)) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
