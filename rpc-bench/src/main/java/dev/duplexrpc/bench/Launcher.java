package dev.duplexrpc.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the command line of each target and starts it. Java targets run in a JVM of their own
 * from the runner's class path; node targets run from a folder of their own ({@code
 * rpc-bench/target/node}) that {@code npm ci} fills from the committed lockfile, once.
 */
final class Launcher {
  private final Bench bench;
  private Path nodeDir; // installed node targets, once prepared
  private String nodeProblem; // why node targets cannot run, once known

  Launcher(Bench bench) {
    this.bench = bench;
  }

  /** Why a target cannot run here ("skipped"), or null if it can. */
  String unavailable(Target t) {
    if (!t.node()) {
      return null;
    }
    if (!works(List.of("node", "--version"))) {
      return "node is not on the PATH";
    }
    if (!works(List.of("npm", "--version"))) {
      return "npm is not on the PATH";
    }
    return null;
  }

  TargetProcess start(Target t, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (t.node()) {
      Path dir = prepareNode(log);
      // Raise the soft limit on open files to the hard one (the JVM does this by itself).
      cmd.addAll(List.of("sh", "-c",
          "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec node --expose-gc --max-old-space-size=1024 " + t.script()));
      return TargetProcess.start(t.name(), cmd, dir, log, Duration.ofSeconds(60));
    }
    Path java = bench.javaExecutable != null ? bench.javaExecutable
        : Path.of(System.getProperty("java.home"), "bin", "java");
    cmd.add(java.toString());
    cmd.add("-Xmx" + bench.targetHeap);
    cmd.addAll(bench.targetJvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.duplexrpc.bench.servers.TargetMain");
    cmd.add(t.kind());
    cmd.addAll(bench.targetOpts);
    cmd.addAll(t.opts());
    return TargetProcess.start(t.name(), cmd, null, log, Duration.ofSeconds(60));
  }

  /** Copies the node targets to a folder of their own and runs {@code npm ci} there, once. */
  private synchronized Path prepareNode(Path log) throws IOException {
    if (nodeDir != null) {
      return nodeDir;
    }
    if (nodeProblem != null) {
      throw new IOException(nodeProblem);
    }
    try {
      Path src = bench.nodeSource != null ? bench.nodeSource : moduleDir().resolve("node");
      if (!Files.isRegularFile(src.resolve("package-lock.json"))) {
        throw new IOException("no node targets at " + src + " (give --node-dir)");
      }
      Path dst = moduleDir().resolve("target").resolve("node");
      Files.createDirectories(dst);
      boolean fresh = Files.isDirectory(dst.resolve("node_modules"))
          && Files.isRegularFile(dst.resolve("package-lock.json"))
          && Arrays.equals(Files.readAllBytes(src.resolve("package-lock.json")),
              Files.readAllBytes(dst.resolve("package-lock.json")));
      try (DirectoryStream<Path> files = Files.newDirectoryStream(src, "*.{js,json}")) {
        for (Path f : files) {
          Files.copy(f, dst.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (!fresh) {
        bench.log("[bench] npm ci in " + dst);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
            .directory(dst.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.getParent().resolve("npm-ci.log").toFile()))
            .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IOException("npm ci did not finish within 5 minutes");
        }
        if (p.exitValue() != 0) {
          throw new IOException("npm ci failed with exit code " + p.exitValue() + "; see "
              + log.getParent().resolve("npm-ci.log"));
        }
      }
      nodeDir = dst;
      return dst;
    } catch (IOException e) {
      nodeProblem = e.getMessage();
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during npm ci", e);
    }
  }

  /** The rpc-bench module folder: the parent of {@code target/} holding this jar or these classes. */
  private static Path moduleDir() throws IOException {
    try {
      Path code = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.toAbsolutePath().getParent().getParent();
    } catch (URISyntaxException | RuntimeException e) {
      throw new IOException("cannot locate the rpc-bench module: " + e, e);
    }
  }

  private static boolean works(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
