/**
 * Duplex RPC for Spring Boot: the annotations that mark typed client interfaces ({@link
 * dev.duplexrpc.spring.boot.DuplexClient}) and the beans a client serves to its server ({@link
 * dev.duplexrpc.spring.boot.DuplexClientService}), the customizers of the server's and the clients'
 * builders, and the {@code duplex.rpc.*} properties. The auto-configuration itself is in {@code
 * dev.duplexrpc.spring.boot.autoconfigure}; see docs/spring.md.
 *
 * <p>Arguments and return values are never null unless a method says so.
 */
package dev.duplexrpc.spring.boot;
