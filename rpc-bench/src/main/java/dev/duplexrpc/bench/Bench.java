package dev.duplexrpc.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark runner: starts each target in a process of its own, drives it with the same
 * load generator, and writes {@code results.json}, {@code results.md} and {@code results.svg}.
 *
 * <pre>{@code
 * java -jar rpc-bench/target/rpc-bench.jar                      # the default suite, about 2 minutes
 * java -jar rpc-bench/target/rpc-bench.jar -t raw-tyrus,duplex -s 1x64 -d 10 -r 3
 * }</pre>
 */
@Command(name = "rpc-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measures Duplex RPC against baselines started in the same invocation on this machine.")
public final class Bench implements Callable<Results> {
  static final List<String> DEFAULT_SCENARIOS = List.of("1x1", "1x64", "100x16");

  @Option(names = {"-t", "--targets"}, split = ",", paramLabel = "NAME",
      description = "Targets to run; a Java target may carry settings, e.g. raw-tyrus@io=same "
          + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "raw-tyrus,duplex,lsp4j,node-rpc-websockets,node-ws-echo,raw-tyrus-lib")
  List<String> targets;

  @Option(names = {"-s", "--scenarios"}, split = ",", paramLabel = "SPEC",
      description = "Scenarios: CxK (C connections, K calls in flight each), CxK:SIZE (echo of SIZE "
          + "characters, e.g. 1k), idle:N (N idle connections), s2c:CxK (the server calls the client), "
          + "client:CxK (this library's client calls), stream (items/s of one stream, duplex only), "
          + "fanout:N (event fan-out to N subscribers, deliveries/s), cluster:N (3 nodes over Redis, "
          + "N subscribers) (default: ${DEFAULT-VALUE}).",
      defaultValue = "1x1,1x64,100x16,stream,idle:1000")
  List<String> scenarios;

  @Option(names = {"-c", "--connections"}, description = "Adds a scenario with this many connections.")
  Integer connections;

  @Option(names = {"-k", "--in-flight"}, description = "In-flight calls per connection of the added scenario (default 16).")
  Integer inFlight;

  @Option(names = {"-p", "--payload"}, description = "Echo payload of the added scenario, e.g. 64, 1k, 16k (default: subtract).")
  String payload;

  @Option(names = {"-d", "--duration"}, description = "Measured seconds per scenario and run (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  double duration;

  @Option(names = {"-w", "--warmup"}, description = "Warm-up seconds before each measurement (default: ${DEFAULT-VALUE}).",
      defaultValue = "0.5")
  double warmup;

  @Option(names = {"-r", "--runs"}, description = "Runs of everything; medians are reported (default: ${DEFAULT-VALUE}).",
      defaultValue = "3")
  int runs;

  @Option(names = {"-o", "--out"}, description = "Output directory (default: ${DEFAULT-VALUE}).",
      defaultValue = "target/rpc-bench")
  Path out;

  @Option(names = "--client-threads", description = "Selector threads of the load generator (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int clientThreads;

  @Option(names = "--target-heap", description = "-Xmx of Java targets (default: ${DEFAULT-VALUE}).",
      defaultValue = "1g")
  String targetHeap;

  @Option(names = "--target-jvm-arg", paramLabel = "ARG", description = "Extra JVM argument for Java targets (repeatable).")
  List<String> targetJvmArgs = new ArrayList<>();

  @Option(names = "--target-opt", paramLabel = "KEY=VALUE",
      description = "Setting for Java targets, e.g. io=same, selectors=2, workers=4 (repeatable).")
  List<String> targetOpts = new ArrayList<>();

  @Option(names = "--java", description = "The java executable for Java targets (default: the runner's).")
  Path javaExecutable;

  @Option(names = "--node-dir", description = "The folder with the node targets' package-lock.json (default: rpc-bench/node).")
  Path nodeSource;

  @Option(names = "--smoke", description = "A few seconds in all: every target once, tiny scenarios.")
  boolean smoke;

  @Option(names = "--full", description = "Every scenario of the issue at full length (about 40 minutes): "
      + "10 s runs, payloads, server-to-client calls, the library's client, 10,000 idle connections. "
      + "Explicit -s/-d/-w/-r still win.")
  boolean full;

  /** The scenarios of {@code --full}. */
  static final String FULL_SCENARIOS =
      "1x1,1x64,100x16,1x64:64,1x64:1k,1x64:16k,s2c:1x64,s2c:100x16,client:1x64,stream,idle:10000";



  private final PrintStream log;

  /** A runner that logs progress to stderr. */
  public Bench() {
    this(System.err);
  }

  Bench(PrintStream log) {
    this.log = log;
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments; see {@code --help}
   */
  public static void main(String[] args) {
    Bench b = new Bench();
    b.originalArgs = List.of(args);
    int code = new CommandLine(b).execute(args);
    System.exit(code);
  }

  /** Parses {@code args} and runs, for tests. */
  static Results run(PrintStream log, String... args) throws Exception {
    Bench b = new Bench(log);
    b.originalArgs = List.of(args);
    new CommandLine(b).parseArgs(args);
    return b.call();
  }

  @Override
  public Results call() throws Exception {
    if (full) {
      if (!given("--scenarios")) {
        scenarios = List.of(FULL_SCENARIOS.split(","));
      }
      if (!given("--duration")) {
        duration = 10;
      }
      if (!given("--warmup")) {
        warmup = 2;
      }
    }
    if (smoke) {
      // A smoke run measures nothing; it only shows each target and scenario works. Its windows
      // are short, and stretched while no reply has come (LoadGenerator's untilFirstReply): on an
      // overloaded machine the server or the generator can wait for a CPU for a whole short window.
      duration = Math.min(duration, 0.25);
      warmup = Math.min(warmup, 0.1);
      runs = 1;
    }
    List<Scenario> plan = new ArrayList<>();
    for (String s : scenarios) {
      plan.add(Scenario.parse(s));
    }
    if (connections != null || inFlight != null || payload != null) {
      String spec = (connections == null ? 1 : connections) + "x" + (inFlight == null ? 16 : inFlight)
          + (payload == null ? "" : ":" + payload);
      plan.add(Scenario.parse(spec));
    }
    List<Scenario> clusterPlan = new ArrayList<>();
    plan.removeIf(sc -> sc.kind() == Scenario.Kind.CLUSTER && clusterPlan.add(sc));
    List<Target> chosen = new ArrayList<>();
    for (String t : targets) {
      chosen.add(Target.named(t));
    }
    if (runs < 1 || duration <= 0 || warmup < 0) {
      throw new CommandLine.ParameterException(new CommandLine(this), "runs >= 1, duration > 0, warmup >= 0");
    }

    Results results = new Results();
    results.date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE);
    results.command = "rpc-bench " + String.join(" ", originalArgs());
    results.machine.put("cores", Runtime.getRuntime().availableProcessors());
    results.machine.put("java", "Java " + System.getProperty("java.version") + " ("
        + System.getProperty("java.vm.name") + ")");
    if (javaExecutable != null) { // the Java targets run on another JVM than the runner
      results.machine.put("java", results.machine.get("java") + " for the generator, "
          + javaVersion(javaExecutable) + " for the Java targets");
    }
    results.machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    results.machine.put("load_before", loadAverage());
    results.settings.put("runs", runs);
    results.settings.put("duration_s", duration);
    results.settings.put("warmup_s", warmup);
    results.settings.put("client_threads", clientThreads);
    results.settings.put("target_heap", targetHeap);
    results.settings.put("target_opts", targetOpts);
    results.settings.put("generator", "java.net.http.WebSocket, direct executor, pre-serialized frames, pipelined");

    Launcher launcher = new Launcher(this);
    Map<Target, String> skipped = new LinkedHashMap<>();
    Map<Target, String> failed = new LinkedHashMap<>();
    for (Target t : chosen) {
      String why = launcher.unavailable(t);
      if (why != null) {
        skipped.put(t, why);
        log.println("[bench] skipping " + t.name() + ": " + why);
      }
    }
    try (LoadGenerator gen = new LoadGenerator(clientThreads, smoke)) {
      for (int run = 0; run < runs; run++) {
        List<Target> order = new ArrayList<>(chosen);
        Collections.rotate(order, -run); // no target always goes first
        for (Target t : order) {
          if (skipped.containsKey(t)) {
            continue;
          }
          runTarget(launcher, gen, t, run, plan, results, failed);
        }
        for (Scenario c : clusterPlan) {
          runCluster(c, run, results);
        }
      }
    }
    for (Target t : chosen) {
      String status = skipped.containsKey(t) ? "skipped" : failed.containsKey(t) ? "failed" : "ok";
      String reason = skipped.containsKey(t) ? skipped.get(t) : failed.get(t);
      results.targets.add(new Results.TargetStatus(t.name(), t.description(), status, reason));
    }
    results.machine.put("load_after", loadAverage());
    results.summarize();
    write(results);
    return results;
  }

  private void runTarget(Launcher launcher, LoadGenerator gen, Target t, int run, List<Scenario> plan, Results results,
      Map<Target, String> failed) {
    Path logFile = out.resolve("logs").resolve(t.name() + "-run" + (run + 1) + ".log");
    log.println("[bench] run " + (run + 1) + "/" + runs + ": starting " + t.name());
    try (TargetProcess p = launcher.start(t, logFile)) {
      URI uri = URI.create("ws://127.0.0.1:" + p.port() + "/");
      // Idle scenarios first, on a fresh process; then a warm-up; then the calls.
      for (Scenario s : plan) {
        if (s.kind() == Scenario.Kind.IDLE && t.supports(s.kind())) {
          measure(gen, t, p, uri, s, results);
        }
      }
      if (warmup > 0) {
        gen.calls(uri, 4, 16, 0, Duration.ZERO, seconds(warmup), p);
      }
      for (Scenario s : plan) {
        if (s.kind() != Scenario.Kind.IDLE && t.supports(s.kind())) {
          measure(gen, t, p, uri, s, results);
        }
      }
    } catch (IOException | RuntimeException e) {
      failed.put(t, String.valueOf(e.getMessage()));
      log.println("[bench] " + t.name() + " failed: " + e);
    }
  }

  /** One run of a cluster scenario: its own redis-server and three nodes; skipped without Redis. */
  private void runCluster(Scenario s, int run, Results results) {
    String why = ClusterLoad.unavailable();
    if (why != null) {
      if (run == 0) {
        log.println("[bench] skipping " + s.spec() + ": " + why);
      }
      return;
    }
    log.println("[bench] run " + (run + 1) + "/" + runs + ": " + s.describe());
    Path java = javaExecutable != null ? javaExecutable : Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Map<String, Map<String, Double>> figures =
          ClusterLoad.run(s, java, out.resolve("logs"), seconds(warmup), seconds(duration));
      for (Map.Entry<String, Map<String, Double>> e : figures.entrySet()) {
        results.row(s, e.getKey()).runs.add(e.getValue());
        Map<String, Double> m = e.getValue();
        log.printf("[bench]   %-22s %-36s %,10.0f /s  p50 %,7.0f µs  p99 %,8.0f µs%s%n", s.spec(), e.getKey(),
            m.get(Results.CALLS_PER_S), m.getOrDefault(Results.P50_US, Double.NaN),
            m.getOrDefault(Results.P99_US, Double.NaN), m.get(Results.ERRORS) > 0 ? "  ERRORS " + m.get(Results.ERRORS) : "");
      }
    } catch (IOException | RuntimeException e) {
      for (String name : List.of(ClusterLoad.EVENTS, ClusterLoad.LOCAL, ClusterLoad.CROSS)) {
        results.row(s, name).failures.add(String.valueOf(e.getMessage()));
      }
      log.println("[bench]   " + s.spec() + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void measure(LoadGenerator gen, Target t, TargetProcess p, URI uri, Scenario s, Results results) {
    Results.Row row = results.row(s, t.name());
    try {
      Map<String, Double> m = new LinkedHashMap<>();
      if (s.kind() == Scenario.Kind.IDLE) {
        long heap0 = p.heapAfterGc(Duration.ofSeconds(60));
        long rss0 = p.rssBytes();
        long[] after = new long[2];
        int answered = gen.idle(uri, s.connections(), () -> {
          try {
            after[0] = p.heapAfterGc(Duration.ofSeconds(60));
          } catch (IOException e) {
            after[0] = -1;
          }
          after[1] = p.rssBytes();
        });
        m.put(Results.HEAP_PER_CONN, heap0 < 0 || after[0] < 0 ? Double.NaN
            : (after[0] - heap0) / 1024.0 / s.connections());
        m.put(Results.RSS_PER_CONN, (after[1] - rss0) / 1024.0 / s.connections());
        m.put(Results.ANSWERED, (double) answered);
        log.printf("[bench]   %-22s %-22s heap/conn %.1f KB, rss/conn %.1f KB, %d of %d answered%n",
            t.name(), s.spec(), m.get(Results.HEAP_PER_CONN), m.get(Results.RSS_PER_CONN), answered,
            s.connections());
      } else {
        Measurement r;
        switch (s.kind()) {
          case SERVER_CALLS:
            r = gen.serverCalls(uri, s.connections(), s.inFlight(), seconds(warmup), seconds(duration), p);
            break;
          case STREAM:
            r = StreamLoad.run(uri, seconds(warmup), seconds(duration), p);
            break;
          case FANOUT:
            r = FanoutLoad.run(uri, s.connections(), seconds(warmup), seconds(duration), p);
            break;
          case LIBRARY_CLIENT:
            r = LibraryClientLoad.run(uri, s.connections(), s.inFlight(), seconds(warmup), seconds(duration),
                p, gen);
            break;
          default:
            r = gen.calls(uri, s.connections(), s.inFlight(), s.payload(), seconds(warmup), seconds(duration),
                p);
        }
        double perK = r.calls() == 0 ? Double.NaN : 1000.0 / r.calls() / 1e6;
        m.put(Results.CALLS_PER_S, r.callsPerSecond());
        m.put(Results.P50_US, r.latency() == null ? Double.NaN : r.latency().getValueAtPercentile(50) / 1000.0);
        m.put(Results.P99_US, r.latency() == null ? Double.NaN : r.latency().getValueAtPercentile(99) / 1000.0);
        m.put(Results.P999_US, r.latency() == null ? Double.NaN : r.latency().getValueAtPercentile(99.9) / 1000.0);
        m.put(Results.SERVER_CPU, r.serverCpuNanos() * perK);
        m.put(Results.GEN_CPU, r.generatorCpuNanos() * perK);
        m.put(Results.ERRORS, (double) r.errors());
        m.put(Results.SERVER_WRITES, r.serverWritesPerCall());
        m.put(Results.SERVER_WAITING, r.serverThreadsWaiting());
        m.put(Results.GEN_WAITING, r.generatorThreadsWaiting());
        m.put(Results.SERVER_RSS_MB, p.rssBytes() / 1048576.0);
        log.printf("[bench]   %-22s %-22s %,10.0f " + (s.kind() == Scenario.Kind.STREAM ? "items" : "calls")
                + "/s  p50 %,7.0f µs  p99 %,8.0f µs  server %.1f ms/1k, %.2f writes/call  gen %.1f ms/1k"
                + "  waiting for a CPU: server %.1f, gen %.1f threads%s%n",
            t.name(), s.spec(), m.get(Results.CALLS_PER_S), m.get(Results.P50_US), m.get(Results.P99_US),
            m.get(Results.SERVER_CPU), m.get(Results.SERVER_WRITES), m.get(Results.GEN_CPU), m.get(Results.SERVER_WAITING),
            m.get(Results.GEN_WAITING), r.errors() > 0 ? "  ERRORS " + r.errors() : "");
      }
      row.runs.add(m);
    } catch (IOException | RuntimeException e) {
      row.failures.add(String.valueOf(e.getMessage()));
      log.println("[bench]   " + t.name() + " " + s.spec() + " failed: " + e);
    }
  }

  void log(String line) {
    log.println(line);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  private void write(Results results) throws IOException {
    Files.createDirectories(out);
    String md = Report.markdown(results);
    Files.writeString(out.resolve("results.json"),
        new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(results),
        StandardCharsets.UTF_8);
    Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("results.svg"), Report.svg(results), StandardCharsets.UTF_8);
    log.println();
    log.println(md);
    log.println("[bench] wrote " + out.resolve("results.json") + ", results.md and results.svg");
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private boolean given(String option) {
    return spec != null && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private List<String> originalArgs = List.of();

  private List<String> originalArgs() {
    return originalArgs;
  }

  /** The first line of {@code java -version} of the given executable, or "unknown Java". */
  static String javaVersion(Path executable) {
    try {
      Process p = new ProcessBuilder(executable.toString(), "-version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      String first = out.lines().findFirst().orElse("").trim();
      return first.isEmpty() ? "unknown Java" : first.replace("\"", "");
    } catch (IOException e) {
      return "unknown Java";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown Java";
    }
  }

  static String loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
      return String.join(" ", Arrays.asList(s.split(" ")).subList(0, 3));
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
    }
  }
}
