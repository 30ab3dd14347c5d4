/**
 * The server's machinery, not API: the embedded Tyrus/Grizzly container and its filters (handshake
 * gate, idle timeouts, static files), the library's Jakarta endpoint class and the handshake it
 * captures. Exported only to Tyrus, which creates the endpoint class reflectively; may change in
 * any release.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.server.internal;
