package dev.duplexrpc.containers;

import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The contract suite against {@link RpcEndpoint#config()} deployed in embedded Jetty 12 (its
 * Jakarta WebSocket 2.2 server, EE 11), under the context path {@code /app}.
 */
class JettyContractTest extends ClientContract {
  /** Jetty's session idle timeout here (its default is 30 s). */
  static final long CONTAINER_IDLE_TIMEOUT_MILLIS = 300;

  @Override
  protected ServerUnderTest startServer(RpcServer.Builder builder) throws Exception {
    RpcEndpoint endpoint = builder.buildEndpoint();

    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0); // an ephemeral port
    jetty.addConnector(connector);
    // Graceful stop: without it Jetty closes the sockets at once, and the 1001 close frames that
    // endpoint.close() just queued may not have been written yet (clients then see 1006).
    jetty.setStopTimeout(5_000);
    ServletContextHandler context = new ServletContextHandler("/app");
    jetty.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
      // Short here so that the contract sees the library turn it off for its sessions.
      container.setDefaultMaxSessionIdleTimeout(CONTAINER_IDLE_TIMEOUT_MILLIS);
      container.addEndpoint(endpoint.config());
    });
    jetty.start();

    URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/app" + endpoint.path());
    return new ServerUnderTest() {
      @Override public URI uri() { return uri; }
      @Override public Events events() { return endpoint.events(); }
      @Override public Collection<ServerConnection> connections() { return endpoint.connections(); }
      @Override public Optional<ServerConnection> connection(String id) { return endpoint.connection(id); }
      @Override public CompletableFuture<Void> shutdown(Duration grace) { return endpoint.shutdown(grace); }

      @Override
      public void close() {
        endpoint.close();
        try {
          jetty.stop();
        } catch (Exception e) {
          throw new IllegalStateException("Jetty did not stop", e);
        }
      }
    };
  }

  @Override
  protected long idleWaitMillis() {
    return 5 * CONTAINER_IDLE_TIMEOUT_MILLIS;
  }

  @Override
  protected boolean refusesUpgradesWithHttpStatus() {
    return false;
  }
}
