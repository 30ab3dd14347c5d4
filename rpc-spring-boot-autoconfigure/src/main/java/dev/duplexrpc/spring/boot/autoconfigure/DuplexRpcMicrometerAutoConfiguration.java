package dev.duplexrpc.spring.boot.autoconfigure;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.micrometer.RpcMeters;
import dev.duplexrpc.micrometer.RpcObservations;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.spring.boot.internal.ManagedClient;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The library's metrics through the application's Micrometer registries, when {@code
 * rpc-micrometer} is on the class path: an Observation per call ({@code jsonrpc.server}, {@code
 * jsonrpc.client}) on the application's {@link ObservationRegistry}, installed as an interceptor
 * on the server and every client, and the connection gauges and counters of {@link RpcMeters} as
 * {@link MeterBinder} beans, which Actuator binds to its {@code MeterRegistry}.
 *
 * @since 0.1
 */
@AutoConfiguration(before = {DuplexRpcServerAutoConfiguration.class, DuplexRpcClientAutoConfiguration.class})
@ConditionalOnClass({RpcObservations.class, ObservationRegistry.class})
public class DuplexRpcMicrometerAutoConfiguration {

  /** Created by Spring. */
  public DuplexRpcMicrometerAutoConfiguration() {}

  /**
   * The observation interceptor, on the application's registry (a no-op one without).
   *
   * @param registry the application's observation registry, if any
   * @return the interceptor
   */
  @Bean
  public RpcInterceptor duplexRpcObservationInterceptor(ObjectProvider<ObservationRegistry> registry) {
    return RpcObservations.create(registry.getIfAvailable(() -> ObservationRegistry.NOOP)).interceptor();
  }

  /** The meters, when Micrometer's meter API is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class Meters {
    @Bean
    MeterBinder duplexRpcEventMeters() {
      return RpcMeters.events();
    }

    @Bean
    MeterBinder duplexRpcServerMeters(ObjectProvider<RpcEndpoint> endpoint) {
      return registry -> endpoint.ifAvailable(e -> RpcMeters.connections("server",
          () -> e.connections().stream().map(ServerConnection::peer).toList()).bindTo(registry));
    }
  }

  /** The clients' gauges, when the application has rpc-client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterBinder.class, RpcClient.class})
  static class ClientMeters {
    @Bean
    MeterBinder duplexRpcClientMeters(ObjectProvider<ManagedClient> clients) {
      return RpcMeters.connections("client", () -> {
        List<Peer> peers = new ArrayList<>();
        clients.orderedStream().forEach(m -> {
          ClientConnection c = m.connectionOrNull();
          if (c != null && c.isOpen()) {
            peers.add(c.peer());
          }
        });
        return peers;
      });
    }
  }
}
