package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.server.RpcEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.util.Map;

/**
 * Upgrades the requests of the endpoint's path to WebSocket with the container's own Jakarta
 * WebSocket support ({@link ServerContainer#upgradeHttpToWebSocket}), from a servlet: the request
 * has passed every servlet filter by then, Spring Security's filter chain included, and the
 * endpoint's handshake (origin check, authenticator) runs on this thread, where Spring Security's
 * context is still set. Deploying the endpoint with {@code ServerContainer.addEndpoint} would
 * upgrade in the container's own filter, before the application's filters on some containers.
 */
public final class UpgradeServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger(UpgradeServlet.class.getName());

  private final transient RpcEndpoint endpoint;

  /**
   * A servlet for one endpoint.
   *
   * @param endpoint the endpoint whose config the upgrades use
   */
  public UpgradeServlet(RpcEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    if (!"GET".equals(request.getMethod()) || !isUpgrade(request)) {
      response.setHeader("Upgrade", "websocket");
      response.sendError(426, "a WebSocket upgrade request is expected at " + endpoint.path());
      return;
    }
    Object container = request.getServletContext().getAttribute(ServerContainer.class.getName());
    if (!(container instanceof ServerContainer)) {
      LOG.log(System.Logger.Level.ERROR, "No Jakarta WebSocket container in the web server: add the "
          + "container's WebSocket support (Tomcat: tomcat-embed-websocket; Jetty: jetty-ee11-websocket-jakarta-server)");
      response.sendError(500, "WebSocket is not available on this server");
      return;
    }
    try {
      ((ServerContainer) container).upgradeHttpToWebSocket(request, response, endpoint.config(), Map.of());
    } catch (DeploymentException e) {
      throw new ServletException("WebSocket upgrade failed at " + endpoint.path(), e);
    }
  }

  private static boolean isUpgrade(HttpServletRequest request) {
    String upgrade = request.getHeader("Upgrade");
    return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
  }
}
