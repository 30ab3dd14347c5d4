/**
 * The binding SPI: {@link dev.duplexrpc.core.transport.Transport} is what a connection type
 * implements to carry JSON-RPC messages for a {@link dev.duplexrpc.core.Peer}, and {@link
 * dev.duplexrpc.core.transport.InMemoryTransport} is a ready-made in-process pair for tests.
 *
 * <p>Null policy: no method here accepts or returns {@code null} unless its documentation says so.
 */
package dev.duplexrpc.core.transport;
