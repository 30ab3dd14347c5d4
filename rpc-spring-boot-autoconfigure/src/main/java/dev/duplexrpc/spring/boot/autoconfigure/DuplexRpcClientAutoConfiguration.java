package dev.duplexrpc.spring.boot.autoconfigure;

import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.spring.boot.DuplexClients;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import dev.duplexrpc.spring.boot.internal.ClientRegistry;
import dev.duplexrpc.spring.boot.internal.ManagedClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import dev.duplexrpc.spring.boot.internal.ClientsRegistrar;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The named clients of {@code duplex.rpc.client.<name>.*} and the proxy beans of the {@code
 * @DuplexClient} interfaces, when {@code rpc-client} is on the class path. Each client connects when
 * the context starts and closes when it stops; its own services are the beans marked {@code
 * @DuplexClientService} with its name.
 *
 * @since 0.1
 */
@AutoConfiguration
@ConditionalOnClass(RpcClient.class)
@EnableConfigurationProperties(DuplexRpcProperties.class)
@Import(ClientsRegistrar.class)
public class DuplexRpcClientAutoConfiguration {

  /** Created by Spring. */
  public DuplexRpcClientAutoConfiguration() {}

  /**
   * The named clients' connections.
   *
   * @param clients the managed clients
   * @return the clients
   */
  @Bean
  @ConditionalOnMissingBean
  public DuplexClients duplexClients(ObjectProvider<ManagedClient> clients) {
    return new ClientRegistry(clients.orderedStream().toList());
  }
}
