/**
 * OpenTelemetry for Duplex RPC: {@link dev.duplexrpc.opentelemetry.RpcTelemetry} makes the
 * interceptor that records a span and a duration for every call, by the JSON-RPC semantic
 * conventions, and carries the W3C trace context across the connection.
 *
 * <p>Arguments are non-null unless a parameter says otherwise.
 */
package dev.duplexrpc.opentelemetry;
