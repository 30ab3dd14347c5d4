package dev.duplexrpc.server.testing;

import dev.duplexrpc.testing.JvmProcess;
import java.io.IOException;
import java.time.Duration;

/** A {@link ServerMain} in a separate JVM, started from this JVM's class path. */
public final class ServerProcess implements AutoCloseable {
  private final JvmProcess jvm;
  private final int port;
  private final long pid;

  private ServerProcess(JvmProcess jvm, int port, long pid) {
    this.jvm = jvm;
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
    JvmProcess jvm = JvmProcess.start("the server JVM", ServerMain.class, Integer.toString(port));
    String[] parts = jvm.awaitLine("LISTENING ", wait).split(" "); // LISTENING <port> <pid>
    return new ServerProcess(jvm, Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
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
    jvm.kill(wait);
  }

  @Override
  public void close() {
    jvm.close();
  }
}
