/**
 * Duplex RPC's Spring Boot auto-configuration: {@code @RpcService} beans served on the
 * application's own web server behind its servlet filters (Spring Security's among them), typed
 * client proxy beans from {@code duplex.rpc.client.*}, the Redis backplane from properties,
 * Actuator health indicators and the metrics of {@code rpc-micrometer}.
 *
 * <p>Exported: {@code dev.duplexrpc.spring.boot} (annotations, customizers, properties) and {@code
 * dev.duplexrpc.spring.boot.autoconfigure} (the auto-configuration classes). Not exported: {@code
 * dev.duplexrpc.spring.boot.internal}, opened to Spring, which creates and inspects its beans.
 * The client, Redis, Micrometer, Spring Security, servlet and health dependencies are optional: each part is
 * configured only when its classes are present.
 */
module dev.duplexrpc.spring.boot {
  requires transitive dev.duplexrpc.server;
  requires static transitive dev.duplexrpc.client;
  requires static dev.duplexrpc.redis;
  requires static dev.duplexrpc.micrometer;
  requires static jakarta.servlet;
  requires static spring.security.core;
  requires static spring.boot.health;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires spring.beans;
  requires spring.context;
  requires spring.core;

  exports dev.duplexrpc.spring.boot;
  exports dev.duplexrpc.spring.boot.autoconfigure;

  opens dev.duplexrpc.spring.boot to spring.core, spring.beans, spring.boot;
  opens dev.duplexrpc.spring.boot.autoconfigure to spring.core, spring.beans, spring.context;
  opens dev.duplexrpc.spring.boot.internal to spring.core, spring.beans, spring.context;
}
