/**
 * The WebSocket client: {@link dev.duplexrpc.client.RpcClient} connects to a Duplex RPC server
 * and returns a {@link dev.duplexrpc.client.ClientConnection} on which both sides call each other.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.client;
