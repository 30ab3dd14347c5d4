package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.cluster.Cluster;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The server's health in Actuator ({@code /actuator/health/duplexRpcServer}): UP while the endpoint
 * accepts connections and its cluster backplane, if it has one, is reachable; DOWN otherwise. The
 * details are the path, whether it accepts, the open connections and the cluster node.
 */
public final class ServerHealthIndicator implements HealthIndicator {
  private final RpcEndpoint endpoint;
  private final EndpointLifecycle lifecycle;

  /**
   * An indicator of one endpoint.
   *
   * @param endpoint the endpoint
   * @param lifecycle its lifecycle
   */
  public ServerHealthIndicator(RpcEndpoint endpoint, EndpointLifecycle lifecycle) {
    this.endpoint = endpoint;
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    boolean accepting = lifecycle.isAccepting();
    Cluster cluster = endpoint.cluster();
    Health.Builder health = accepting && (!cluster.isClustered() || cluster.isAvailable()) ? Health.up() : Health.down();
    health.withDetail("path", endpoint.path())
        .withDetail("accepting", accepting)
        .withDetail("connections", endpoint.connections().size());
    if (cluster.isClustered()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("nodeId", cluster.nodeId());
      c.put("available", cluster.isAvailable());
      health.withDetail("cluster", c);
    }
    return health.build();
  }
}
