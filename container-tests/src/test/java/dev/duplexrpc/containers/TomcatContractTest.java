package dev.duplexrpc.containers;

import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The contract suite against {@link RpcEndpoint#config()} deployed in embedded Apache Tomcat 11
 * (Jakarta WebSocket 2.2), under the context path {@code /app}, by a {@link
 * ServletContextListener} as a web application would.
 */
class TomcatContractTest extends ClientContract {

  @Override
  protected ServerUnderTest startServer(RpcServer.Builder builder) throws Exception {
    RpcEndpoint endpoint = builder.buildEndpoint();
    Path baseDir = Files.createTempDirectory("tomcat");

    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector(); // HTTP/1.1, NIO
    connector.setProperty("address", "127.0.0.1");
    connector.setPort(0); // an ephemeral port
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("/app", null);
    context.addServletContainerInitializer(new WsSci(), null); // Tomcat's WebSocket support
    Tomcat.addServlet(context, "default", new NotFound()).addMapping("/"); // requests need a servlet
    context.addApplicationListener(Deployer.class.getName());
    Deployer.next = endpoint;
    tomcat.start();

    URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/app" + endpoint.path());
    return new ServerUnderTest() {
      @Override public URI uri() { return uri; }
      @Override public Events events() { return endpoint.events(); }
      @Override public Collection<ServerConnection> connections() { return endpoint.connections(); }
      @Override public Optional<ServerConnection> connection(String id) { return endpoint.connection(id); }
      @Override public CompletableFuture<Void> shutdown(Duration grace) { return endpoint.shutdown(grace); }

      private final AtomicBoolean closed = new AtomicBoolean();

      @Override
      public void close() {
        if (!closed.compareAndSet(false, true)) {
          return;
        }
        endpoint.close();
        try {
          tomcat.stop();
          tomcat.destroy();
        } catch (LifecycleException e) {
          throw new IllegalStateException("Tomcat did not stop", e);
        }
        try (Stream<Path> files = Files.walk(baseDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** The web application's listener: adds the endpoint's config when the context starts. */
  public static final class Deployer implements ServletContextListener {
    /** The endpoint the next context deploys (Tomcat creates the listener itself). */
    static volatile RpcEndpoint next;

    @Override
    public void contextInitialized(ServletContextEvent event) {
      ServerContainer container =
          (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
      // Tomcat checks its sessions' timeouts every 10 s by default; once a second here, so that a
      // connection the heartbeat dropped loses its socket within the contract's wait.
      ((WsWebSocketContainer) container).setProcessPeriod(1);
      try {
        container.addEndpoint(next.config());
      } catch (DeploymentException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** What a web application's default servlet answers for a path it has nothing at. */
  static final class NotFound extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }

  @Override
  protected boolean reportsRemoteAddress() {
    return false; // Tomcat 11 puts no address in the session's user properties
  }

  @Override
  protected boolean refusesUpgradesWithHttpStatus() {
    return false;
  }
}
