package dev.duplexrpc.examples;

import dev.duplexrpc.server.RpcServer;
import java.io.IOException;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The browser demo: a server that serves a web page, the library's {@code duplex.js} and the
 * WebSocket endpoint the page connects to, all on one address and port. The page (the resource
 * {@code web/index.html}) orders from the {@link Shop}, which asks the page to confirm through
 * {@link Customer}, and it shows the {@code news} event the server publishes every two seconds.
 *
 * <pre>{@code
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl examples exec:java -Dexec.mainClass=dev.duplexrpc.examples.BrowserDemo -Dexec.args=8080
 * # open http://127.0.0.1:8080/ ; press Enter in the terminal to stop
 * }</pre>
 */
public final class BrowserDemo {
  /** The WebSocket endpoint's path; the page connects to it relative to its own origin. */
  public static final String PATH = "/shop";
  /** The event the page subscribes to. */
  public static final String NEWS = "news";

  private BrowserDemo() {}

  /**
   * The demo server's settings, ready to build: the shop, the {@code news} event, the page at
   * {@code /} and {@code duplex.js} at {@code /duplex.js}, on loopback.
   *
   * @param port the port, 0 for an ephemeral one
   * @return the builder, to add to or build
   */
  public static RpcServer.Builder server(int port) {
    return RpcServer.builder()
        .port(port)
        .path(PATH)
        .service(new Demo.ShopService())
        .event(NEWS)
        .staticResources("/", "web")
        .browserClient("/duplex.js");
  }

  /**
   * Runs the demo server until Enter is pressed (or standard input ends).
   *
   * @param args the port (default 8080)
   * @throws IOException if the port cannot be bound
   */
  public static void main(String[] args) throws IOException {
    Logger.getLogger("org.glassfish").setLevel(Level.WARNING);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "news");
      t.setDaemon(true);
      return t;
    });
    try (RpcServer server = server(port).build().start()) {
      System.out.println("Open http://" + server.host() + ":" + server.port() + "/ in a browser;"
          + " press Enter here to stop.");
      ticker.scheduleAtFixedRate(
          () -> server.events().publish(NEWS, "the server's clock says " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)),
          2, 2, TimeUnit.SECONDS);
      int c;
      do {
        c = System.in.read();
      } while (c != '\n' && c != -1);
    } finally {
      ticker.shutdownNow();
    }
    System.out.println("stopped");
  }
}
