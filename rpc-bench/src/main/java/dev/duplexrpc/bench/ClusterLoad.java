package dev.duplexrpc.bench;

import dev.duplexrpc.bench.servers.ClusterNodeMain;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The cluster scenario ({@code cluster:N}): a redis-server and three {@link ClusterNodeMain} nodes,
 * each in a process of its own. It measures event fan-out (one node publishes, N subscribers spread
 * over the three nodes receive: deliveries per second) and the latency of a relayed call (a client
 * of node 1 asks node 1 to call another client) when that client is on node 1 ("local") and on node
 * 3 ("cross-node"), in the same run.
 */
final class ClusterLoad {
  static final String EVENTS = "events (deliveries/s)";
  static final String LOCAL = "relay to a client on the same node";
  static final String CROSS = "relay to a client on another node";
  private static final int IN_FLIGHT = 16;

  private ClusterLoad() {}

  /** Why the scenario cannot run here, or null. */
  static String unavailable() {
    return redisServer() == null ? "redis-server is not on the PATH" : null;
  }

  /** Runs the scenario once; figures by row name. */
  static Map<String, Map<String, Double>> run(Scenario s, Path java, Path logDir, Duration warmup, Duration measure)
      throws IOException, InterruptedException {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    Process redis = null;
    List<TargetProcess> nodes = new ArrayList<>();
    List<ClientConnection> clients = new ArrayList<>();
    try {
      int port = freePort();
      redis = new ProcessBuilder(redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--loglevel", "warning")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      awaitRedis(port, Duration.ofSeconds(10));
      String uri = "redis://127.0.0.1:" + port;
      for (int i = 1; i <= 3; i++) {
        List<String> cmd = List.of(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            ClusterNodeMain.class.getName(), uri, "n" + i);
        nodes.add(TargetProcess.start("cluster-n" + i, cmd, null, logDir.resolve("cluster-n" + i + ".log"),
            Duration.ofSeconds(60)));
      }
      List<URI> uris = new ArrayList<>();
      for (TargetProcess n : nodes) {
        uris.add(URI.create("ws://127.0.0.1:" + n.port() + "/"));
      }

      // Event fan-out.
      LongAdder delivered = new LongAdder();
      for (int i = 0; i < s.connections(); i++) {
        ClientConnection c = RpcClient.builder().uri(uris.get(i % 3)).sharedTransport(true).build().connect();
        clients.add(c);
        c.subscribe("tick", Integer.class, v -> delivered.increment());
      }
      ClientConnection publisher = connect(uris.get(0), clients);
      ClusterNodeMain.Hub hub = publisher.remote(ClusterNodeMain.Hub.class);
      int warmEvents = 100;
      hub.fanout(warmEvents);
      awaitCount(delivered, (long) warmEvents * s.connections(), Duration.ofSeconds(60));
      // Batches of about 2,000 deliveries, published from one thread of node 1, for the measured
      // time; then every delivery is awaited. Deliveries per second over the whole span.
      int batch = Math.max(1, 2_000 / s.connections());
      delivered.reset();
      long t0 = System.nanoTime();
      long end = t0 + measure.toNanos();
      long events = 0;
      while (System.nanoTime() < end) {
        hub.fanout(batch);
        events += batch;
      }
      long expected = events * s.connections();
      boolean all = awaitCount(delivered, expected, Duration.ofSeconds(120));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Double> ev = new LinkedHashMap<>();
      ev.put(Results.CALLS_PER_S, delivered.sum() / seconds);
      ev.put(Results.ERRORS, all ? 0.0 : (double) Math.max(1, expected - delivered.sum()));
      out.put(EVENTS, ev);

      // Relayed calls: to a client of the same node, then to one of another node.
      ClientConnection caller = connect(uris.get(0), clients);
      ClientConnection local = connectServing(uris.get(0), clients);
      ClientConnection remote = connectServing(uris.get(2), clients);
      String localId = local.remote(ClusterNodeMain.Hub.class).id();
      String remoteId = remote.remote(ClusterNodeMain.Hub.class).id();
      ClusterNodeMain.Hub callerHub = caller.remote(ClusterNodeMain.Hub.class);
      out.put(LOCAL, calls(callerHub, localId, warmup, measure));
      out.put(CROSS, calls(callerHub, remoteId, warmup, measure));
      return out;
    } finally {
      for (ClientConnection c : clients) {
        c.close();
      }
      for (TargetProcess n : nodes) {
        n.close();
      }
      if (redis != null) {
        redis.destroyForcibly();
        redis.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ClientConnection connect(URI uri, List<ClientConnection> clients) throws IOException {
    ClientConnection c = RpcClient.builder().uri(uri).build().connect();
    clients.add(c);
    return c;
  }

  private static ClientConnection connectServing(URI uri, List<ClientConnection> clients) throws IOException {
    ClusterNodeMain.Subtractor service = (a, b) -> CompletableFuture.completedFuture(a - b);
    ClientConnection c = RpcClient.builder().uri(uri).service(service).build().connect();
    clients.add(c);
    return c;
  }

  /** Closed-loop relayed calls, {@link #IN_FLIGHT} at a time: calls/s and latency. */
  private static Map<String, Double> calls(ClusterNodeMain.Hub hub, String target, Duration warmup, Duration measure)
      throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger errors = new AtomicInteger();
    LongAdder done = new LongAdder();
    AtomicInteger outstanding = new AtomicInteger();
    for (int k = 0; k < IN_FLIGHT; k++) {
      outstanding.incrementAndGet();
      loop(hub, target, recorder, measuring, stop, errors, done, outstanding);
    }
    TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
    recorder.reset();
    done.reset();
    measuring.set(true);
    long t0 = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(measure.toNanos());
    measuring.set(false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram h = recorder.getIntervalHistogram();
    long calls = done.sum();
    stop.set(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(Results.CALLS_PER_S, calls / seconds);
    m.put(Results.P50_US, h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0);
    m.put(Results.P99_US, h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0);
    m.put(Results.P999_US, h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99.9) / 1000.0);
    m.put(Results.ERRORS, (double) errors.get());
    return m;
  }

  private static void loop(ClusterNodeMain.Hub hub, String target, Recorder recorder, AtomicBoolean measuring,
      AtomicBoolean stop, AtomicInteger errors, LongAdder done, AtomicInteger outstanding) {
    if (stop.get()) {
      outstanding.decrementAndGet();
      return;
    }
    long start = System.nanoTime();
    hub.relay(target, 42, 23).whenComplete((v, e) -> {
      if (measuring.get()) {
        if (e != null || v == null || v != 19) {
          errors.incrementAndGet();
        } else {
          recorder.recordValue(Math.max(1, System.nanoTime() - start));
          done.increment();
        }
      }
      loop(hub, target, recorder, measuring, stop, errors, done, outstanding);
    });
  }

  private static boolean awaitCount(LongAdder counter, long expected, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (counter.sum() < expected) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(1);
    }
    return true;
  }

  private static void awaitRedis(int port, Duration wait) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        s.setSoTimeout(1000);
        OutputStream o = s.getOutputStream();
        o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        o.flush();
        InputStream in = s.getInputStream();
        if (new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
          return;
        }
      } catch (IOException e) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }
    throw new IOException("redis-server did not answer on port " + port + " within " + wait);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  static String redisServer() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }
}
