/**
 * The Spring Boot auto-configuration of Duplex RPC, listed in {@code
 * META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}: the server on the
 * application's web server, the named clients, the Redis backplane and the Actuator health
 * indicators. See docs/spring.md.
 */
package dev.duplexrpc.spring.boot.autoconfigure;
