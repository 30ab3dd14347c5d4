package dev.duplexrpc.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of its own for a test: loopback only, no persistence, on a free port
 * below the ephemeral range (so it can be stopped and started again on the same port).
 *
 * <p>When {@code redis-server} is missing, the tests fail under {@code CI=true} (the CI script
 * installs it), and are skipped with a message otherwise.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Duration START_WAIT = Duration.ofSeconds(10);

  private final String executable;
  private final int port;
  private Process process;

  private RedisProcess(String executable, int port) {
    this.executable = executable;
    this.port = port;
  }

  /**
   * Starts a redis-server on a free port below 32768, or skips/fails the test without one.
   *
   * @return the running server
   * @throws IOException if it could not start on any of 20 free ports
   * @throws InterruptedException if interrupted while it starts
   */
  public static RedisProcess start() throws IOException, InterruptedException {
    String exe = find();
    IOException last = null;
    for (int i = 0; i < 20; i++) {
      int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
      if (!free(port)) {
        continue;
      }
      RedisProcess r = new RedisProcess(exe, port);
      try {
        r.startAgain();
        return r;
      } catch (IOException e) {
        last = e;
        r.close();
      }
    }
    throw new IOException("no free port for redis-server", last);
  }

  /**
   * The port it listens on, on 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Its URI, for the Redis backplane.
   *
   * @return {@code redis://127.0.0.1:<port>}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Starts it (again) on its port and waits until it answers PING.
   *
   * @throws IOException if it exits or does not answer within 10 seconds
   * @throws InterruptedException if interrupted meanwhile
   */
  public void startAgain() throws IOException, InterruptedException {
    process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited at start on port " + port + " (code " + process.exitValue() + ")");
      }
      if (ping()) {
        return;
      }
      process.waitFor(20, TimeUnit.MILLISECONDS); // bounded poll while it starts
    }
    process.destroyForcibly();
    throw new IOException("redis-server did not answer on port " + port + " within " + START_WAIT);
  }

  /**
   * Stops it (SIGTERM, as an operator would) and waits until it is gone.
   *
   * @throws InterruptedException if interrupted meanwhile
   */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Kills it, if it runs. */
  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean ping() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String find() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
      Path p = Path.of(dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw RequiredTool.missing("redis-server", "the Redis tests");
  }
}
