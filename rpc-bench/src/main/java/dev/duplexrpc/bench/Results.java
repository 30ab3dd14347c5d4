package dev.duplexrpc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one invocation measured, as written to {@code results.json}. */
final class Results {
  /** Metric keys. */
  static final String CALLS_PER_S = "calls_per_s";
  static final String P50_US = "p50_us";
  static final String P99_US = "p99_us";
  static final String P999_US = "p999_us";
  static final String SERVER_CPU = "server_cpu_ms_per_1k_calls";
  static final String GEN_CPU = "generator_cpu_ms_per_1k_calls";
  static final String ERRORS = "errors";
  /** The server's write system calls per call (per delivery for fan-out). */
  static final String SERVER_WRITES = "server_writes_per_call";
  /** The server's threads that were ready to run but waiting for a CPU, on average over the window. */
  static final String SERVER_WAITING = "server_threads_waiting_for_cpu";
  /** The same for the load generator's threads. */
  static final String GEN_WAITING = "generator_threads_waiting_for_cpu";
  static final String SERVER_RSS_MB = "server_rss_mb";
  static final String HEAP_PER_CONN = "heap_per_conn_kb";
  static final String RSS_PER_CONN = "rss_per_conn_kb";
  static final String ANSWERED = "answered";

  String date;
  String command;
  Map<String, Object> machine = new LinkedHashMap<>();
  Map<String, Object> settings = new LinkedHashMap<>();
  List<TargetStatus> targets = new ArrayList<>();
  List<Row> rows = new ArrayList<>();

  /** Whether a target ran, was skipped, or failed. */
  static final class TargetStatus {
    String name;
    String description;
    String status; // "ok", "skipped", "failed"
    String reason;

    TargetStatus(String name, String description, String status, String reason) {
      this.name = name;
      this.description = description;
      this.status = status;
      this.reason = reason;
    }
  }

  /** One scenario on one target: every run, and the median with min and max of each metric. */
  static final class Row {
    String scenario;
    String description;
    String kind;
    String target;
    List<Map<String, Double>> runs = new ArrayList<>();
    Map<String, Double> median = new LinkedHashMap<>();
    Map<String, Double> min = new LinkedHashMap<>();
    Map<String, Double> max = new LinkedHashMap<>();
    /** Median of this target divided by the median of raw-tyrus, for calls/s, server CPU and heap. */
    Map<String, Double> vsRawTyrus = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();

    void summarize() {
      median.clear();
      min.clear();
      max.clear();
      if (runs.isEmpty()) {
        return;
      }
      for (String key : runs.get(0).keySet()) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Double> r : runs) {
          Double d = r.get(key);
          if (d != null && !d.isNaN()) {
            v.add(d);
          }
        }
        if (v.isEmpty()) {
          continue;
        }
        v.sort(null);
        int n = v.size();
        median.put(key, n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2);
        min.put(key, v.get(0));
        max.put(key, v.get(n - 1));
      }
    }
  }

  Row row(Scenario s, String target) {
    for (Row r : rows) {
      if (r.scenario.equals(s.spec()) && r.target.equals(target)) {
        return r;
      }
    }
    Row r = new Row();
    r.scenario = s.spec();
    r.description = s.describe();
    r.kind = s.kind().name().toLowerCase(java.util.Locale.ROOT);
    r.target = target;
    rows.add(r);
    return r;
  }

  /** Medians, then ratios to raw-tyrus in the same scenario. */
  void summarize() {
    for (Row r : rows) {
      r.summarize();
    }
    for (Row r : rows) {
      r.vsRawTyrus.clear();
      Row base = null;
      for (Row b : rows) {
        if (b.scenario.equals(r.scenario) && b.target.equals(Target.RAW_TYRUS.name())) { // stock settings
          base = b;
        }
      }
      if (base == null) {
        continue;
      }
      for (String key : List.of(CALLS_PER_S, SERVER_CPU, HEAP_PER_CONN, RSS_PER_CONN)) {
        Double a = r.median.get(key);
        Double b = base.median.get(key);
        if (a != null && b != null && b > 0) {
          r.vsRawTyrus.put(key, a / b);
        }
      }
    }
  }
}
