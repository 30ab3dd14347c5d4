package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The clients' health in Actuator ({@code /actuator/health/duplexRpcClients}): UP when every named
 * client is connected (state {@code OPEN}); DOWN while one is reconnecting or closed. The details
 * are each client's state, URI and reconnect count.
 */
public final class ClientHealthIndicator implements HealthIndicator {
  private final List<ManagedClient> clients;

  /**
   * An indicator of the named clients.
   *
   * @param clients the clients
   */
  public ClientHealthIndicator(List<ManagedClient> clients) {
    this.clients = List.copyOf(clients);
  }

  @Override
  public Health health() {
    boolean up = true;
    Health.Builder health = Health.unknown();
    for (ManagedClient m : clients) {
      ClientConnection c = m.connectionOrNull();
      ConnectionState state = c == null ? ConnectionState.CLOSED : c.state();
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("state", state.name());
      if (c != null) {
        one.put("uri", c.uri().toString());
        one.put("reconnects", c.reconnects());
      }
      health.withDetail(m.name(), one);
      up &= state == ConnectionState.OPEN;
    }
    return (up ? health.up() : health.down()).build();
  }
}
