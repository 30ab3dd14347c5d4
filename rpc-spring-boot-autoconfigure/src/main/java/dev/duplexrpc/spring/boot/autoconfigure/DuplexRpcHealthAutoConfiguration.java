package dev.duplexrpc.spring.boot.autoconfigure;

import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.spring.boot.internal.ClientHealthIndicator;
import dev.duplexrpc.spring.boot.internal.EndpointLifecycle;
import dev.duplexrpc.spring.boot.internal.ManagedClient;
import dev.duplexrpc.spring.boot.internal.ServerHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health indicators {@code duplexRpcServer} (accepting, connections, cluster backplane)
 * and {@code duplexRpcClients} (each client's state); {@code management.health.duplexrpc.enabled=false}
 * turns both off.
 *
 * @since 0.1
 */
@AutoConfiguration(after = {DuplexRpcServerAutoConfiguration.class, DuplexRpcClientAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("duplexrpc")
public class DuplexRpcHealthAutoConfiguration {

  /** Created by Spring. */
  public DuplexRpcHealthAutoConfiguration() {}

  /** The server's indicator. */
  @Bean
  @ConditionalOnBean(EndpointLifecycle.class)
  ServerHealthIndicator duplexRpcServerHealthIndicator(RpcEndpoint endpoint, EndpointLifecycle lifecycle) {
    return new ServerHealthIndicator(endpoint, lifecycle);
  }

  /** The clients' indicator, when the application has rpc-client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RpcClient.class)
  static class Clients {
    @Bean
    @ConditionalOnBean(ManagedClient.class)
    ClientHealthIndicator duplexRpcClientsHealthIndicator(ObjectProvider<ManagedClient> clients) {
      return new ClientHealthIndicator(clients.orderedStream().toList());
    }
  }
}
