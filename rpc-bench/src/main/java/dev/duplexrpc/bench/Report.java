package dev.duplexrpc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The Markdown table and the SVG chart of a {@link Results}. */
final class Report {
  private Report() {}

  private static final String[] COLORS = {
    "#6b7280", "#2563eb", "#9ca3af", "#f59e0b", "#10b981", "#8b5cf6", "#ef4444", "#0ea5e9"
  };

  /** The server's threads waiting for a CPU: median (max), or a dash where /proc is missing. */
  private static String waiting(Results.Row row) {
    Double median = row.median.get(Results.SERVER_WAITING);
    if (median == null) {
      return "–";
    }
    return fmt(median, 1) + " (" + fmt(row.max.get(Results.SERVER_WAITING), 1) + ")";
  }

  static String markdown(Results r) {
    StringBuilder sb = new StringBuilder();
    sb.append("Machine: ").append(r.machine.get("cores")).append(" cores, ")
        .append(r.machine.get("java")).append(", ").append(r.machine.get("os"))
        .append("; load average before the run ").append(r.machine.get("load_before"))
        .append(", after ").append(r.machine.get("load_after")).append(". ")
        .append("Date: ").append(r.date).append(".\n\n");
    sb.append("Medians of ").append(r.settings.get("runs")).append(" runs (min–max in brackets), ")
        .append(r.settings.get("duration_s")).append(" s measured after ")
        .append(r.settings.get("warmup_s")).append(" s warm-up each. ")
        .append("×raw = ratio to `raw-tyrus` in the same run. CPU = CPU time of the process per 1,000 calls. ")
        .append("Waiting = the server's threads that were ready to run but had no CPU, on average over the ")
        .append("window, median (max): above about 1, the machine, not the server, set the pace.\n\n");
    List<Results.Row> calls = new ArrayList<>();
    List<Results.Row> idle = new ArrayList<>();
    for (Results.Row row : r.rows) {
      (row.kind.equals("idle") ? idle : calls).add(row);
    }
    if (!calls.isEmpty()) {
      sb.append("| scenario | target | calls/s | ×raw | p50 µs | p99 µs | p99.9 µs | server CPU ms/1k | ×raw | server writes/call | generator CPU ms/1k | waiting | errors |\n");
      sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (Results.Row row : calls) {
        if (row.median.isEmpty()) {
          sb.append("| ").append(row.description).append(" | ").append(row.target)
              .append(" | failed: ").append(String.join("; ", row.failures).replace('|', '/'))
              .append(" | | | | | | | | | | |\n");
          continue;
        }
        sb.append("| ").append(row.description)
            .append(" | ").append(row.target)
            .append(" | ").append(range(row, Results.CALLS_PER_S, 0))
            .append(" | ").append(ratio(row, Results.CALLS_PER_S))
            .append(" | ").append(fmt(row.median.get(Results.P50_US), 0))
            .append(" | ").append(fmt(row.median.get(Results.P99_US), 0))
            .append(" | ").append(fmt(row.median.get(Results.P999_US), 0))
            .append(" | ").append(range(row, Results.SERVER_CPU, 1))
            .append(" | ").append(ratio(row, Results.SERVER_CPU))
            .append(" | ").append(fmt(row.median.get(Results.SERVER_WRITES), 2))
            .append(" | ").append(fmt(row.median.get(Results.GEN_CPU), 1))
            .append(" | ").append(waiting(row))
            .append(" | ").append(fmt(row.max.get(Results.ERRORS), 0))
            .append(" |\n");
      }
      sb.append('\n');
    }
    if (!idle.isEmpty()) {
      sb.append("| scenario | target | heap after GC per conn KB | ×raw | RSS per conn KB | ×raw | still answering |\n");
      sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
      for (Results.Row row : idle) {
        if (row.median.isEmpty()) {
          sb.append("| ").append(row.description).append(" | ").append(row.target)
              .append(" | failed: ").append(String.join("; ", row.failures).replace('|', '/'))
              .append(" | | | | |\n");
          continue;
        }
        sb.append("| ").append(row.description)
            .append(" | ").append(row.target)
            .append(" | ").append(range(row, Results.HEAP_PER_CONN, 1))
            .append(" | ").append(ratio(row, Results.HEAP_PER_CONN))
            .append(" | ").append(range(row, Results.RSS_PER_CONN, 1))
            .append(" | ").append(ratio(row, Results.RSS_PER_CONN))
            .append(" | ").append(fmt(row.min.get(Results.ANSWERED), 0))
            .append(" |\n");
      }
      sb.append('\n');
    }
    List<Results.TargetStatus> notOk = new ArrayList<>();
    for (Results.TargetStatus t : r.targets) {
      if (!t.status.equals("ok")) {
        notOk.add(t);
      }
    }
    sb.append("Targets:\n\n");
    for (Results.TargetStatus t : r.targets) {
      sb.append("- `").append(t.name).append("`: ").append(t.description);
      if (!t.status.equals("ok")) {
        sb.append(" — **").append(t.status).append("**: ").append(t.reason);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String range(Results.Row row, String key, int decimals) {
    Double m = row.median.get(key);
    if (m == null) {
      return "–";
    }
    if (row.runs.size() < 2) {
      return fmt(m, decimals);
    }
    return fmt(m, decimals) + " (" + fmt(row.min.get(key), decimals) + "–" + fmt(row.max.get(key), decimals) + ")";
  }

  private static String ratio(Results.Row row, String key) {
    Double v = row.vsRawTyrus.get(key);
    return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  static String fmt(Double v, int decimals) {
    if (v == null || v.isNaN()) {
      return "–";
    }
    if (decimals == 0) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /** Two panels per calls scenario (calls/s and p99), one bar per target; longer is better on the left. */
  static String svg(Results r) {
    Map<String, List<Results.Row>> byScenario = new LinkedHashMap<>();
    Set<String> targets = new LinkedHashSet<>();
    for (Results.Row row : r.rows) {
      if (!row.kind.equals("idle") && !row.median.isEmpty()) {
        byScenario.computeIfAbsent(row.description, k -> new ArrayList<>()).add(row);
        targets.add(row.target);
      }
    }
    List<String> targetList = new ArrayList<>(targets);
    int width = 980;
    int labelW = 170;
    int panelW = (width - labelW - 40) / 2;
    int barH = 16;
    int gap = 4;
    int y = 56;
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, List<Results.Row>> e : byScenario.entrySet()) {
      List<Results.Row> rows = e.getValue();
      body.append(text(10, y, e.getKey(), "bold", 13, "start"));
      y += 8;
      double maxCalls = 1;
      double maxP99 = 1;
      for (Results.Row row : rows) {
        maxCalls = Math.max(maxCalls, row.median.getOrDefault(Results.CALLS_PER_S, 0.0));
        maxP99 = Math.max(maxP99, row.median.getOrDefault(Results.P99_US, 0.0));
      }
      for (Results.Row row : rows) {
        String color = COLORS[targetList.indexOf(row.target) % COLORS.length];
        double calls = row.median.getOrDefault(Results.CALLS_PER_S, 0.0);
        double p99 = row.median.getOrDefault(Results.P99_US, 0.0);
        body.append(text(labelW - 8, y + barH - 4, row.target, "normal", 12, "end"));
        int w1 = (int) Math.round((panelW - 90) * calls / maxCalls);
        body.append(rect(labelW, y, Math.max(1, w1), barH, color));
        body.append(text(labelW + w1 + 4, y + barH - 4, fmt(calls, 0) + "/s", "normal", 11, "start"));
        int x2 = labelW + panelW + 30;
        int w2 = (int) Math.round((panelW - 90) * p99 / maxP99);
        body.append(rect(x2, y, Math.max(1, w2), barH, color));
        body.append(text(x2 + w2 + 4, y + barH - 4,
            row.median.containsKey(Results.P99_US) ? fmt(p99, 0) + " µs" : "not measured", "normal", 11, "start"));
        y += barH + gap;
      }
      y += 22;
    }
    int height = y + 10;
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" font-family=\"Helvetica, Arial, sans-serif\">\n");
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    sb.append(text(10, 20, "Duplex RPC benchmark — " + r.date + ", " + r.machine.get("cores") + " cores shared with the load generator, "
        + r.machine.get("java"), "bold", 14, "start"));
    sb.append(text(labelW, 42, "calls per second (median; longer is better)", "normal", 12, "start"));
    sb.append(text(labelW + panelW + 30, 42, "p99 latency (median; shorter is better)", "normal", 12, "start"));
    sb.append(body);
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static String rect(int x, int y, int w, int h, String color) {
    return "<rect x=\"" + x + "\" y=\"" + y + "\" width=\"" + w + "\" height=\"" + h + "\" fill=\"" + color + "\"/>\n";
  }

  private static String text(int x, int y, String s, String weight, int size, String anchor) {
    return "<text x=\"" + x + "\" y=\"" + y + "\" font-size=\"" + size + "\" font-weight=\"" + weight
        + "\" text-anchor=\"" + anchor + "\">" + escape(s) + "</text>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
