package dev.duplexrpc.spring.boot.autoconfigure;

import dev.duplexrpc.server.Authenticator;
import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.cluster.Backplane;
import dev.duplexrpc.server.cluster.Cluster;
import dev.duplexrpc.spring.boot.DuplexRpcProperties;
import dev.duplexrpc.spring.boot.RpcServerCustomizer;
import dev.duplexrpc.spring.boot.internal.EndpointLifecycle;
import dev.duplexrpc.spring.boot.internal.ServerEndpoints;
import dev.duplexrpc.spring.boot.internal.SpringSecurityAuthenticator;
import dev.duplexrpc.spring.boot.internal.UpgradeServlet;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the application's {@code @RpcService} beans at {@code duplex.rpc.server.path} (default
 * {@code /rpc}) on the application's own servlet web server (Tomcat, Jetty), through the library's
 * Jakarta endpoint, behind the application's servlet filters (Spring Security's among them). The
 * endpoint, its {@link Events} and its {@link Cluster} are beans. With Spring Security on the class
 * path the authenticated principal of the upgrade request is the connection's principal.
 *
 * @since 0.1
 */
@AutoConfiguration(after = DuplexRpcRedisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({RpcEndpoint.class, ServerContainer.class, ServletRegistrationBean.class})
@ConditionalOnProperty(prefix = "duplex.rpc.server", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DuplexRpcProperties.class)
public class DuplexRpcServerAutoConfiguration {

  /** Created by Spring. */
  public DuplexRpcServerAutoConfiguration() {}

  /**
   * The endpoint: the properties, the served beans, the interceptor beans, an {@link
   * Authenticator} bean and a {@link Backplane} bean if there are, then the customizers. Its
   * backplane connects now, so a cluster that cannot be reached fails the start.
   *
   * @param properties the properties
   * @param beans the application's beans
   * @param authenticator the authenticator, if any
   * @param backplane the backplane, if any
   * @param customizers the customizers
   * @return the endpoint
   * @throws IOException if the backplane cannot connect
   */
  @Bean
  @ConditionalOnMissingBean
  public RpcEndpoint duplexRpcEndpoint(DuplexRpcProperties properties, ListableBeanFactory beans,
      ObjectProvider<Authenticator> authenticator, ObjectProvider<Backplane> backplane,
      ObjectProvider<RpcServerCustomizer> customizers) throws IOException {
    RpcServer.Builder builder = ServerEndpoints.builder(properties.getServer(), beans);
    authenticator.ifAvailable(builder::authenticator);
    backplane.ifAvailable(builder::backplane);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.buildEndpoint().start();
  }

  /**
   * The endpoint's events, to publish from anywhere in the application.
   *
   * @param endpoint the endpoint
   * @return its events
   */
  @Bean
  public Events duplexRpcEvents(RpcEndpoint endpoint) {
    return endpoint.events();
  }

  /**
   * The endpoint's cluster, to call a client connected to any node.
   *
   * @param endpoint the endpoint
   * @return its cluster
   */
  @Bean
  public Cluster duplexRpcCluster(RpcEndpoint endpoint) {
    return endpoint.cluster();
  }

  /** The graceful shutdown of the endpoint with the context. */
  @Bean
  EndpointLifecycle duplexRpcEndpointLifecycle(RpcEndpoint endpoint, DuplexRpcProperties properties) {
    return new EndpointLifecycle(endpoint, properties.getServer().getShutdownGrace());
  }

  /** The servlet at the endpoint's path that upgrades to WebSocket. */
  @Bean
  ServletRegistrationBean<UpgradeServlet> duplexRpcUpgradeServlet(RpcEndpoint endpoint) {
    ServletRegistrationBean<UpgradeServlet> registration =
        new ServletRegistrationBean<>(new UpgradeServlet(endpoint), endpoint.path());
    registration.setName("duplexRpc");
    registration.setLoadOnStartup(1);
    return registration;
  }

  /**
   * Spring Security's authenticated principal becomes the connection's, when its web support (the
   * filter chain) is present; spring-security-core alone (method security) changes nothing here.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.security.core.context.SecurityContextHolder",
      "org.springframework.security.web.SecurityFilterChain"})
  static class SecurityConfiguration {
    @Bean
    @ConditionalOnMissingBean
    Authenticator duplexRpcAuthenticator() {
      return new SpringSecurityAuthenticator();
    }
  }
}
