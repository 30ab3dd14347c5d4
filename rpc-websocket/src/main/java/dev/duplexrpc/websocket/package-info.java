/**
 * What the WebSocket server and client share in their public API: the {@link
 * dev.duplexrpc.websocket.SocketSettings} of each socket.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.websocket;
