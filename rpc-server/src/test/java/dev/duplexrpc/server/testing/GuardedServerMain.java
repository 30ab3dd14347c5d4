package dev.duplexrpc.server.testing;

import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.RpcServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A server in its own JVM for the attack tests: {@code GuardedServerMain <handshakeTimeoutMillis>
 * <maxConnections> <maxConnectionsPerAddress> <maxPendingHandshakesPerAddress>} serves {@link
 * ServerMain.Feed} on 127.0.0.1 with those limits (0: none), prints {@code LISTENING <port>
 * <pid>} once it listens, answers each line {@code stats} on its standard input with {@code
 * STATS <ConnectionStats>}, and exits when its standard input ends.
 */
public final class GuardedServerMain {
  private GuardedServerMain() {}

  /**
   * Runs the server.
   *
   * @param args the limits, see the class
   */
  public static void main(String[] args) throws IOException {
    // Whatever kills a thread is printed plainly (the default handler may itself need classes).
    Thread.UncaughtExceptionHandler plain = (t, e) -> {
      System.out.println("UNCAUGHT in " + t.getName() + ": " + e);
      for (StackTraceElement el : e.getStackTrace()) {
        System.out.println("  at " + el);
      }
      System.out.flush();
    };
    plain.hashCode();
    Thread.setDefaultUncaughtExceptionHandler(plain);
    ConnectionLimits limits = ConnectionLimits.builder()
        .handshakeTimeout(Duration.ofMillis(Long.parseLong(args[0])))
        .maxConnections(Integer.parseInt(args[1]))
        .maxConnectionsPerAddress(Integer.parseInt(args[2]))
        .maxPendingHandshakesPerAddress(Integer.parseInt(args[3]))
        .build();
    RpcServer server = RpcServer.builder()
        .service(new ServerMain.FeedImpl())
        .connectionLimits(limits)
        .build()
        .start();
    System.out.println("LISTENING " + server.port() + " " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("stats")) {
        System.out.println("STATS " + server.connectionStats());
        System.out.flush();
      }
    }
    server.close();
  }
}
