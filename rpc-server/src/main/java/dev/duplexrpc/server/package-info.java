/**
 * The WebSocket server: {@link dev.duplexrpc.server.RpcServer} runs an embedded Tyrus server on
 * Grizzly, {@link dev.duplexrpc.server.RpcEndpoint} deploys the same services in any Jakarta
 * WebSocket container, and {@link dev.duplexrpc.server.ServerConnection} reaches each connected
 * client.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.server;
