package dev.duplexrpc.cli.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code duplex.jar} run as a separate process, its stdout and stderr read line by line
 * into queues. Every process started here is destroyed by {@link #destroyAll()}.
 */
public final class Cli implements AutoCloseable {
  /** The longest wait for anything a process prints. */
  public static final long WAIT_SECONDS = 20;
  /** JVM options that make the short-lived processes start faster; tests only. */
  public static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();
  private static final String END = new String("end of stream"); // identity sentinel

  private final Process process;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> err = new LinkedBlockingQueue<>();
  private final List<String> errSeen = new CopyOnWriteArrayList<>();

  private Cli(Process process) {
    this.process = process;
    pump(process.getInputStream(), out, null);
    pump(process.getErrorStream(), err, errSeen);
  }

  /** The current JVM's {@code java}. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The jar under test, built by {@code package}. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("duplex.jar", "target/duplex.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the CLI tests run after `package`");
    }
    return jar;
  }

  /**
   * Starts {@code java -jar duplex.jar args...}.
   *
   * @param args the tool's arguments
   * @return the running process
   */
  public static Cli start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(FAST_JVM);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return start(command);
  }

  /**
   * Starts any command, tracked like the tool's.
   *
   * @param command the command line
   * @return the running process
   */
  public static Cli start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).start();
    STARTED.add(p);
    p.getOutputStream().close();
    return new Cli(p);
  }

  /** Destroys every process still running, with its descendants, and waits for them. */
  public static void destroyAll() throws InterruptedException {
    for (Process p : STARTED) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    STARTED.clear();
  }

  /** The process. */
  public Process process() {
    return process;
  }

  /** The next stdout line, or null at its end; fails after {@link #WAIT_SECONDS}. */
  public String nextOut() throws InterruptedException {
    return next(out, "stdout");
  }

  /** The next stderr line, or null at its end; fails after {@link #WAIT_SECONDS}. */
  public String nextErr() throws InterruptedException {
    return next(err, "stderr");
  }

  /** The next stderr line that contains {@code text}; fails after {@link #WAIT_SECONDS} or at the end. */
  public String errLineContaining(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      String line = err.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no stderr line with '" + text + "' within " + WAIT_SECONDS + " s; stderr: " + errSeen);
      }
      if (line == END) {
        throw new AssertionError("stderr ended without a line with '" + text + "': " + errSeen);
      }
      if (line.contains(text)) {
        return line;
      }
    }
  }

  /** Everything left on stdout, once the process has ended. */
  public String restOfOut() throws InterruptedException {
    StringBuilder sb = new StringBuilder();
    String line;
    while ((line = nextOut()) != null) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /** Everything left on stderr, once the process has ended. */
  public List<String> restOfErr() throws InterruptedException {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = nextErr()) != null) {
      lines.add(line);
    }
    return lines;
  }

  /** Waits for the exit; fails after {@link #WAIT_SECONDS}. */
  public int exitCode() throws InterruptedException {
    if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + WAIT_SECONDS + " s; stderr: " + errSeen);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static String next(BlockingQueue<String> q, String what) throws InterruptedException {
    String line = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError("nothing on " + what + " within " + WAIT_SECONDS + " s");
    }
    if (line == END) {
      q.add(END);
      return null;
    }
    return line;
  }

  private static void pump(InputStream s, BlockingQueue<String> q, List<String> copy) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          q.add(line);
          if (copy != null) {
            copy.add(line);
          }
        }
      } catch (IOException e) {
        q.add("(read failed: " + e + ")");
      } finally {
        q.add(END);
      }
    }, "cli-output");
    t.setDaemon(true);
    t.start();
  }
}
