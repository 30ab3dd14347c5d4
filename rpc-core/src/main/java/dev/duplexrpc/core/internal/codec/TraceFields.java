package dev.duplexrpc.core.internal.codec;

/**
 * The top-level {@code traceparent} and {@code tracestate} members of a received request or
 * notification, as strings, unchecked: the Peer honours them only when the wire extensions are
 * agreed (docs/wire.md, "Extensions").
 *
 * @param traceparent the member's value, or null when absent or not a string
 * @param tracestate the member's value, or null when absent or not a string
 */
public record TraceFields(String traceparent, String tracestate) {}
