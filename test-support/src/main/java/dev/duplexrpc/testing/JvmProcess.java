package dev.duplexrpc.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A main class in a separate, small and quick-starting JVM on this JVM's class path: its stdout
 * read line by line, its stderr going to this JVM's. The JVMs that rpc-server's {@code ServerProcess} and
 * rpc-redis's node tests kill to test what survives a crash.
 *
 * <pre>{@code
 * JvmProcess jvm = JvmProcess.start("the server JVM", ServerMain.class, "0");
 * String line = jvm.awaitLine("LISTENING ", Duration.ofSeconds(20));   // "LISTENING <port> <pid>"
 * ...
 * jvm.kill(Duration.ofSeconds(10));                                      // SIGKILL
 * }</pre>
 */
public final class JvmProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

  private JvmProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /**
   * Starts {@code main} with {@code args}; this JVM's logging configuration file, if set, is
   * passed on.
   *
   * @param name what to call it in failures, "node n1" for example
   * @param main the class with the {@code main} method
   * @param args its arguments
   * @return the started JVM; it may not be ready yet (see {@link #awaitLine})
   * @throws IOException if the JVM cannot be started
   */
  public static JvmProcess start(String name, Class<?> main, String... args) throws IOException {
    return start(name, 0, main, args);
  }

  /**
   * Starts {@code main} as {@link #start(String, Class, String...)} does, but with at most {@code
   * maxOpenFiles} file descriptors ({@code ulimit -n}, through {@code bash}) and its stderr
   * merged into the lines read (see {@link #output()}).
   *
   * @param maxOpenFiles the descriptor limit, or 0 for the inherited one and stderr passed through
   */
  public static JvmProcess start(String name, int maxOpenFiles, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (maxOpenFiles > 0) {
      command.addAll(List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$0\" \"$@\""));
    }
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
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (maxOpenFiles > 0) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    Process p = builder.start();
    JvmProcess jvm = new JvmProcess(name, p);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          jvm.lines.add(line);
          jvm.output.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "jvm-process-stdout " + name);
    reader.setDaemon(true);
    reader.start();
    return jvm;
  }

  /**
   * Waits for the first line of its stdout that starts with {@code prefix}, skipping the others.
   * If it exits first, or no such line comes within {@code wait}, it is killed and the test fails.
   *
   * @param prefix how the line starts
   * @param wait the longest wait
   * @return the line
   * @throws InterruptedException if interrupted while waiting
   */
  public String awaitLine(String prefix, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      String line = lines.poll(Math.min(200_000_000L, Math.max(1, deadline - System.nanoTime())),
          TimeUnit.NANOSECONDS);
      if (line == null && !process.isAlive() && lines.isEmpty()) {
        throw new AssertionError(name + " exited with code " + process.exitValue()
            + " before printing '" + prefix + "...'");
      }
      if (line == null && System.nanoTime() < deadline) {
        continue;
      }
      if (line == null) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not print '" + prefix + "...' within " + wait);
      }
      if (line.startsWith(prefix)) {
        return line;
      }
    }
  }

  /** Every line it printed so far (stdout, and stderr when merged), in order. */
  public List<String> output() {
    synchronized (output) {
      return new ArrayList<>(output);
    }
  }

  /** Writes a line to its standard input. */
  public void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** Its process id. */
  public long pid() {
    return process.pid();
  }

  /**
   * Kills it at once (SIGKILL): no close frames, no goodbyes; the kernel just drops its sockets.
   *
   * @param wait how long it may take to end
   * @throws InterruptedException if interrupted while waiting
   */
  public void kill(Duration wait) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not end within " + wait);
    }
  }

  /** Kills it, waiting up to 5 seconds for it to end. */
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
