/**
 * The WebSocket server: {@link dev.duplexrpc.server.RpcServer} runs an embedded Tyrus server on
 * Grizzly, {@link dev.duplexrpc.server.RpcEndpoint} deploys the same services in any Jakarta
 * WebSocket container, {@link dev.duplexrpc.server.ServerConnection} reaches each connected
 * client, {@link dev.duplexrpc.server.Handshake} tells what it sent and who it is, and {@link
 * dev.duplexrpc.server.Events} publishes to subscribers. Servers acting as one cluster are in
 * {@link dev.duplexrpc.server.cluster}.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.server;
