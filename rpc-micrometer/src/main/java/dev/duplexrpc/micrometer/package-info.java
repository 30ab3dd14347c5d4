/**
 * Micrometer for Duplex RPC: {@link dev.duplexrpc.micrometer.RpcObservations} makes the
 * interceptor that wraps every call in an {@code Observation}, and {@link
 * dev.duplexrpc.micrometer.RpcMeters} the connection-level gauges and counters.
 *
 * <p>Arguments are non-null unless a parameter says otherwise.
 */
package dev.duplexrpc.micrometer;
