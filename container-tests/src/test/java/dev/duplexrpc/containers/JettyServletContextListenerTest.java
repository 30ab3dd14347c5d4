package dev.duplexrpc.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.RpcServer;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment a web application (WAR) would make: a {@link ServletContextListener} finds the
 * container's {@link ServerContainer} in the servlet context, adds the endpoint's config when the
 * application starts and closes the endpoint when it stops. Run in embedded Jetty, where the
 * Jakarta WebSocket initializer plays the part a WAR's container plays by itself.
 */
class JettyServletContextListenerTest {
  static final long WAIT = 10;

  /** The server's service. */
  public interface Greeter {
    @RpcMethod
    String greet(String name);
  }

  /** The client's service. */
  public interface Nickname {
    @RpcMethod
    String nickname();
  }

  /** The listener, as a web application would declare it (web.xml or {@code @WebListener}). */
  public static final class RpcDeployment implements ServletContextListener {
    private RpcEndpoint endpoint;

    @Override
    public void contextInitialized(ServletContextEvent event) {
      endpoint = RpcServer.builder()
          .path("/rpc")
          .maxMessageSize(256 * 1024)
          .service((Greeter) name -> "Hello, " + name + " ("
              + CallContext.current().peer().remote(Nickname.class).nickname() + ")")
          .buildEndpoint();
      ServerContainer container =
          (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
      try {
        container.addEndpoint(endpoint.config());
      } catch (DeploymentException e) {
        throw new IllegalStateException("cannot deploy " + endpoint, e);
      }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
      endpoint.close(); // 1001 to every client
    }

    RpcEndpoint endpoint() {
      return endpoint;
    }
  }

  Server jetty;
  ServletContextHandler context;
  RpcDeployment deployment;
  URI uri;

  @BeforeEach
  void start() throws Exception {
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    context = new ServletContextHandler("/app");
    JakartaWebSocketServletContainerInitializer.configure(context, null); // what a WAR's container does
    deployment = new RpcDeployment();
    context.addEventListener(deployment);
    jetty.setHandler(context);
    jetty.start();
    uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/app/rpc");
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
  }

  ClientConnection connect() throws Exception {
    return RpcClient.builder()
        .uri(uri)
        .service((Nickname) () -> "Ada")
        .reconnectPolicy(ReconnectPolicy.none())
        .build()
        .connect();
  }

  @Test
  void listenerDeploysTheEndpointAndClosesItWhenTheApplicationStops() throws Exception {
    ClientConnection client = connect();
    assertEquals("Hello, Ada Lovelace (Ada)", client.remote(Greeter.class).greet("Ada Lovelace"));
    assertEquals(1, deployment.endpoint().connections().size());

    context.stop(); // the application is undeployed; the server goes on
    assertEquals(1001, client.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
    assertTrue(deployment.endpoint().connections().isEmpty());
  }

  @Test
  void gracefulServerStopClosesConnectionsWithGoingAway() throws Exception {
    ClientConnection client = connect();
    assertEquals("Hello, Bob (Ada)", client.remote(Greeter.class).greet("Bob"));
    jetty.setStopTimeout(TimeUnit.SECONDS.toMillis(WAIT)); // graceful: sessions close before the sockets
    jetty.stop();
    assertEquals(1001, client.closeFuture().get(WAIT, TimeUnit.SECONDS).closeCode());
  }
}
