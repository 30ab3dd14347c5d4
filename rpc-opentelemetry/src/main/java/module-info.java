/**
 * Duplex RPC's OpenTelemetry instrumentation: spans and call-duration metrics by the JSON-RPC
 * semantic conventions, and the W3C trace context across the connection.
 *
 * <p>Exports {@code dev.duplexrpc.opentelemetry}; depends on the OpenTelemetry API only.
 */
module dev.duplexrpc.opentelemetry {
  requires transitive dev.duplexrpc.core;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;

  exports dev.duplexrpc.opentelemetry;
}
