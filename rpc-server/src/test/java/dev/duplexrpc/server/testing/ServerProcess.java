package dev.duplexrpc.server.testing;

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

/** A {@link ServerMain} in a separate JVM, started from this JVM's class path. */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final long pid;

  private ServerProcess(Process process, int port, long pid) {
    this.process = process;
    this.port = port;
    this.pid = pid;
  }

  /**
   * Starts a server JVM and waits until it listens.
   *
   * @param port the port, 0 for an ephemeral one
   * @param wait the longest wait for it to listen
   */
  public static ServerProcess start(int port, Duration wait) throws IOException, InterruptedException {
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
    command.add(ServerMain.class.getName());
    command.add(Integer.toString(port));
    Process p = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
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
    }, "server-process-stdout");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        p.destroyForcibly();
        throw new AssertionError("the server JVM did not listen within " + wait);
      }
      if (line.startsWith("LISTENING ")) {
        String[] parts = line.split(" ");
        return new ServerProcess(p, Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
      }
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** Its process id. */
  public long pid() {
    return pid;
  }

  /** Kills it at once (SIGKILL): no close frames, the kernel just drops its sockets. */
  public void kill(Duration wait) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server JVM did not end within " + wait);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
