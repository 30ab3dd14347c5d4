package dev.duplexrpc.spring.boot.internal;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.spring.boot.DuplexClients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The {@link DuplexClients} bean over the {@link ManagedClient} beans. */
public final class ClientRegistry implements DuplexClients {
  private final Map<String, ManagedClient> clients = new LinkedHashMap<>();

  /**
   * A registry of the clients.
   *
   * @param clients the managed clients
   */
  public ClientRegistry(List<ManagedClient> clients) {
    clients.forEach(c -> this.clients.put(c.name(), c));
  }

  @Override
  public Set<String> names() {
    return java.util.Collections.unmodifiableSet(clients.keySet());
  }

  @Override
  public ClientConnection connection(String name) {
    ManagedClient c = clients.get(Objects.requireNonNull(name, "name == null"));
    if (c == null) {
      throw new IllegalArgumentException("no Duplex RPC client named '" + name + "': the clients are " + names());
    }
    return c.connection();
  }

  @Override
  public String toString() {
    return "DuplexClients" + names();
  }
}
