package dev.duplexrpc.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link NodeMain} in a separate JVM, started from this JVM's class path. */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String nodeId;

  private NodeProcess(Process process, int port, String nodeId) {
    this.process = process;
    this.port = port;
    this.nodeId = nodeId;
  }

  /** Starts a node JVM; {@link #await} waits until it listens. */
  static Starting start(String redisUri, String prefix, String nodeId, Duration nodeTtl) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      command.add("-Djava.util.logging.config.file=" + logging);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NodeMain.class.getName());
    command.add(redisUri);
    command.add(prefix);
    command.add(nodeId);
    command.add(Long.toString(nodeTtl.toMillis()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "node-process-stdout-" + nodeId);
    reader.setDaemon(true);
    reader.start();
    return new Starting(p, lines, nodeId);
  }

  /** A node JVM that was started and may not listen yet. */
  static final class Starting {
    final Process process;
    final BlockingQueue<String> lines;
    final String nodeId;

    Starting(Process process, BlockingQueue<String> lines, String nodeId) {
      this.process = process;
      this.lines = lines;
      this.nodeId = nodeId;
    }

    /** Waits until it prints that it listens; kills it and fails otherwise. */
    NodeProcess await(Duration wait) throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        String line = lines.poll(Math.min(200_000_000L, Math.max(1, deadline - System.nanoTime())),
            TimeUnit.NANOSECONDS);
        if (line == null && !process.isAlive() && lines.isEmpty()) {
          throw new AssertionError("node " + nodeId + " exited at start with code " + process.exitValue());
        }
        if (line == null && System.nanoTime() < deadline) {
          continue;
        }
        if (line == null) {
          process.destroyForcibly();
          throw new AssertionError("node " + nodeId + " did not listen within " + wait);
        }
        if (line.startsWith("NODE ")) {
          String[] parts = line.split(" ");
          return new NodeProcess(process, Integer.parseInt(parts[1]), parts[2]);
        }
      }
    }

    void kill() {
      process.destroyForcibly();
    }
  }

  URI uri() {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  String nodeId() {
    return nodeId;
  }

  /** Kills it at once (SIGKILL): no close frames, no goodbye to Redis. */
  void kill(Duration wait) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node " + nodeId + " did not end within " + wait);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
