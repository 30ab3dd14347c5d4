package dev.duplexrpc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few seconds of the real benchmark on every available target, so that the bench cannot rot. The
 * node targets are skipped when node is not on the PATH, except under {@code CI=true}.
 * It asserts that every target produced figures (and answered without errors), never a speed.
 */
class BenchSmokeTest {
  @TempDir Path out;

  @Test
  void clusterScenarioProducesEventAndCallFigures() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    Results r = Bench.run(log, "--smoke", "-o", out.toString(), "-t", "duplex", "-s", "cluster:6");
    String context = logBytes.toString(StandardCharsets.UTF_8);
    if (ClusterLoad.unavailable() != null) {
      assertTrue(!ci, "redis-server is required under CI=true: " + ClusterLoad.unavailable());
      assertTrue(context.contains("skipping cluster:6: redis-server is not on the PATH"), context);
      return;
    }
    Scenario cluster = Scenario.parse("cluster:6");
    for (String row : List.of(ClusterLoad.EVENTS, ClusterLoad.LOCAL, ClusterLoad.CROSS)) {
      Results.Row figures = r.row(cluster, row);
      assertEquals(List.of(), figures.failures, row + "\n" + context);
      assertTrue(figures.median.get(Results.CALLS_PER_S) > 0, row + "\n" + context);
      assertEquals(0.0, figures.median.get(Results.ERRORS), row + "\n" + context);
    }
    assertTrue(r.row(cluster, ClusterLoad.CROSS).median.get(Results.P99_US) > 0, context);
    assertTrue(Files.readString(out.resolve("results.md")).contains("| " + ClusterLoad.CROSS + " |"));
  }

  @Test
  void everyTargetProducesFiguresForEveryScenario() throws Exception {
    // One of each kind, kept few (idle:200: more sockets at once than the server's default limits
    // per address allow, which the targets lift): every target starts once and runs each for half a second (longer
    // only while no reply has come yet: an overloaded machine can starve a whole half second).
    List<String> scenarios = List.of("idle:200", "1x1", "1x64", "10x4", "1x4:1k", "s2c:2x4", "client:1x4",
        "stream", "fanout:20");
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
    List<String> targets = Target.ALL.stream().map(Target::name).collect(Collectors.toList());
    Results r = Bench.run(log, "--smoke", "-o", out.toString(),
        "-t", String.join(",", targets), "-s", String.join(",", scenarios));
    String context = logBytes.toString(StandardCharsets.UTF_8);

    // Node targets may be skipped where node is not installed, but not in CI, which has node.
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    List<String> ran = new ArrayList<>();
    for (Results.TargetStatus t : r.targets) {
      boolean mayBeSkipped = !ci && t.name.startsWith("node-") && t.status.equals("skipped");
      assertTrue(t.status.equals("ok") || mayBeSkipped, t.name + " " + t.status + ": " + t.reason
          + "\n" + context);
      if (t.status.equals("ok")) {
        ran.add(t.name);
      }
    }
    assertTrue(ran.containsAll(List.of("raw-tyrus", "duplex", "lsp4j", "raw-tyrus-lib")), ran + "\n" + context);
    for (String target : ran) {
      for (String spec : scenarios) {
        if (!Target.named(target).supports(Scenario.parse(spec).kind())) {
          continue;
        }
        Results.Row row = r.row(Scenario.parse(spec), target);
        assertEquals(List.of(), row.failures, target + " " + spec + "\n" + context);
        assertEquals(1, row.runs.size(), target + " " + spec + "\n" + context);
        if (spec.startsWith("idle:")) {
          assertEquals(200.0, row.median.get(Results.ANSWERED), target + " " + spec + "\n" + context);
          assertTrue(row.median.get(Results.HEAP_PER_CONN) != null, target + " " + spec);
        } else {
          assertTrue(row.median.get(Results.CALLS_PER_S) > 0, target + " " + spec + "\n" + context);
          assertEquals(0.0, row.median.get(Results.ERRORS), target + " " + spec + "\n" + context);
          // server-to-client and fan-out latency is not measured by the generator; a stream has no latency
          if (!spec.startsWith("s2c:") && !spec.startsWith("fanout:") && !spec.equals("stream")) {
            assertTrue(row.median.get(Results.P99_US) > 0, target + " " + spec);
          }
          assertTrue(row.median.get(Results.SERVER_CPU) >= 0, target + " " + spec);
          if (Files.isDirectory(Path.of("/proc/self/task"))) { // Linux: run-queue waits are read
            assertTrue(row.median.get(Results.SERVER_WAITING) >= 0, target + " " + spec);
          }
        }
      }
    }
    assertTrue(Files.readString(out.resolve("results.md")).contains("| duplex |"));
    assertTrue(Files.readString(out.resolve("results.svg")).startsWith("<svg"));
    assertTrue(Files.readString(out.resolve("results.json")).contains("\"calls_per_s\""));
  }
}
