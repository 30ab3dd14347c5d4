package dev.duplexrpc.spring.boot;

import dev.duplexrpc.client.RpcClient;

/**
 * Adjusts a named client's builder after its properties and beans were applied and before it is
 * built: a TLS context, a reconnect hook, a listener, a reconnect policy of your own. Every bean of
 * this type is applied to every client, in {@code @Order}; look at {@code name} to pick one.
 *
 * <pre>{@code
 * @Bean
 * RpcClientCustomizer relogin(Tokens tokens) {
 *   return (name, builder) -> builder.header("Authorization", "Bearer " + tokens.current());
 * }
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RpcClientCustomizer {
  /**
   * Adjusts the builder of one client.
   *
   * @param name the client's name ({@code duplex.rpc.client.<name>})
   * @param builder its builder
   */
  void customize(String name, RpcClient.Builder builder);
}
