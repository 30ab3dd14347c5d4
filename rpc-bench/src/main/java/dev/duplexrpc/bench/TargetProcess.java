package dev.duplexrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A target server running in a process of its own: started with {@link ProcessBuilder}, it prints
 * {@code LISTENING <port>}; its CPU time and resident memory are read from the operating system.
 */
final class TargetProcess implements AutoCloseable, LoadGenerator.Server {
  private final String name;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private final int port;

  private TargetProcess(String name, Process process, Duration startTimeout) throws IOException {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "bench-target-stdout-" + name);
    reader.setDaemon(true);
    reader.start();
    this.port = awaitPort(startTimeout);
  }

  /**
   * Starts a process and waits for its port.
   *
   * @param name the target name, for messages
   * @param command the command line
   * @param dir the working directory, or null
   * @param log where the process's stderr goes
   * @param startTimeout how long to wait for {@code LISTENING}
   */
  static TargetProcess start(String name, List<String> command, Path dir, Path log, Duration startTimeout)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Process p = pb.start();
    try {
      return new TargetProcess(name, p, startTimeout);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private void readStdout() {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 20) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      lines.add("EOF " + e);
    }
    lines.add("EOF");
  }

  private int awaitPort(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line;
      try {
        line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + name, e);
      }
      if (line == null) {
        throw new IOException(name + " did not print LISTENING within " + timeout.toSeconds() + " s");
      }
      if (line.startsWith("EOF")) {
        throw new IOException(name + " exited before listening (exit code "
            + exitCodeSoon() + "); see its log");
      }
      if (line.startsWith("LISTENING ")) {
        return Integer.parseInt(line.substring(10).trim());
      }
    }
  }

  private String exitCodeSoon() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public long cpuNanos() {
    return Proc.cpuNanos(process.pid());
  }

  @Override
  public long writeSyscalls() {
    return Proc.writeSyscalls(process.pid());
  }

  @Override
  public long runQueueWaitNanos() {
    return Proc.runQueueWaitNanos(process.pid());
  }

  /** Resident set size in bytes, or -1 if unknown. */
  long rssBytes() {
    return Proc.rssBytes(process.pid());
  }

  /**
   * Asks the target to collect garbage and report its heap in use.
   *
   * @return bytes, or -1 if the target does not report it
   */
  long heapAfterGc(Duration timeout) throws IOException {
    send("HEAP");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line;
      try {
        line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      if (line == null || line.startsWith("EOF")) {
        return -1;
      }
      if (line.startsWith("HEAP ")) {
        return Long.parseLong(line.substring(5).trim());
      }
    }
  }

  private void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  /** The last lines the target printed, for error messages. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void close() {
    try {
      send("EXIT");
      stdin.close();
    } catch (IOException e) {
      // the process is gone already
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
