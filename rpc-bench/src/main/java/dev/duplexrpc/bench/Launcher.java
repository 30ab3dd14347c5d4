package dev.duplexrpc.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the command line of each target and starts it. */
final class Launcher {
  private Launcher() {}

  /** Why a target cannot run here, or null if it can. */
  static String unavailable(Target t) {
    return null;
  }

  static TargetProcess start(Target t, Bench b, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    Path java = b.javaExecutable != null ? b.javaExecutable : Path.of(System.getProperty("java.home"), "bin", "java");
    cmd.add(java.toString());
    cmd.add("-Xmx" + b.targetHeap);
    cmd.addAll(b.targetJvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.duplexrpc.bench.target.TargetMain");
    cmd.add(t.name());
    cmd.addAll(b.targetOpts);
    return TargetProcess.start(t.name(), cmd, null, log, Duration.ofSeconds(60));
  }
}
