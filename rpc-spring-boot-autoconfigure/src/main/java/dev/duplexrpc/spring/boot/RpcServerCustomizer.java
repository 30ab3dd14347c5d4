package dev.duplexrpc.spring.boot;

import dev.duplexrpc.server.RpcServer;

/**
 * Adjusts the server's builder after the properties and the beans were applied and before the
 * endpoint is built: the place for what properties cannot say (an {@code Authenticator}, a
 * {@code ConnectionListener}, a {@code FallbackHandler}, an executor). Every bean of this type is
 * applied, in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * RpcServerCustomizer rooms() {
 *   return builder -> builder.connectionListener(setup -> setup.service(new Room(setup.id())));
 * }
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RpcServerCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the builder of the endpoint the application serves
   */
  void customize(RpcServer.Builder builder);
}
