package dev.duplexrpc.bench.servers;

import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Set;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Tyrus's stock Grizzly server container ({@code GrizzlyServerContainer} in {@code
 * tyrus-container-grizzly-server}) set up exactly as Tyrus sets it up, with its own Grizzly filter,
 * except that it listens on 127.0.0.1 only (the stock one binds every interface). This is the
 * floor for anything built on Tyrus.
 */
final class StockTyrusServer extends TyrusServerContainer {
  private final TyrusWebSocketEngine engine;
  private final GrizzlySettings settings;
  private volatile String contextPath = "/";
  private HttpServer server;
  private NetworkListener listener;

  StockTyrusServer(GrizzlySettings settings) {
    super((Set<Class<?>>) null);
    this.settings = settings;
    this.engine = TyrusWebSocketEngine.builder(this).build();
  }

  @Override
  public void register(Class<?> endpointClass) throws DeploymentException {
    engine.register(endpointClass, contextPath);
  }

  @Override
  public void register(jakarta.websocket.server.ServerEndpointConfig config) throws DeploymentException {
    engine.register(config, contextPath);
  }

  @Override
  public WebSocketEngine getWebSocketEngine() {
    return engine;
  }

  @Override
  public void start(String rootPath, int port) throws IOException, DeploymentException {
    contextPath = rootPath;
    server = new HttpServer();
    listener = new NetworkListener("grizzly", "127.0.0.1", port);
    server.addListener(listener);
    settings.apply(listener.getTransport());
    listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
    listener.registerAddOn(tyrusAddOn(this, rootPath));
    server.start();
    super.start(rootPath, port);
  }

  @Override
  public int getPort() {
    return listener == null ? -1 : listener.getPort();
  }

  @Override
  public void stop() {
    super.stop();
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Tyrus's own add-on; its constructor is package-private, so it is called reflectively. */
  private static AddOn tyrusAddOn(ServerContainer container, String contextPath) {
    try {
      Class<?> c = Class.forName("org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn");
      Constructor<?> k = c.getDeclaredConstructor(ServerContainer.class, String.class);
      k.setAccessible(true);
      return (AddOn) k.newInstance(container, contextPath);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Tyrus's WebSocketAddOn is not where Tyrus 2.2 has it", e);
    }
  }
}
