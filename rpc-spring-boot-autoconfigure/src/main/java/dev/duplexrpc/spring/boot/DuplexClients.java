package dev.duplexrpc.spring.boot;

import dev.duplexrpc.client.ClientConnection;
import java.util.Set;

/**
 * The named clients of {@code duplex.rpc.client.<name>.*}, as a bean: their connections, for what
 * the proxy beans do not do (subscribing to the server's events, the connection's state).
 *
 * <pre>{@code
 * @EventListener(ApplicationReadyEvent.class)
 * void follow() {
 *   clients.connection("shop").subscribe("priceChanged", Price.class, prices::update);  // renewed on reconnect
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public interface DuplexClients {
  /**
   * The names of the configured clients.
   *
   * @return the names, in configuration order
   */
  Set<String> names();

  /**
   * A client's connection.
   *
   * @param name the client's name
   * @return its connection (reconnecting or closed too)
   * @throws IllegalArgumentException if no client has that name
   * @throws IllegalStateException before the application context started or after it stopped
   */
  ClientConnection connection(String name);
}
