/**
 * Duplex RPC's Micrometer instrumentation: an {@code Observation} for every call, and gauges and
 * counters for connections, calls, queues and limits.
 *
 * <p>Exports {@code dev.duplexrpc.micrometer}; depends on the Micrometer Observation and meter APIs.
 */
module dev.duplexrpc.micrometer {
  requires transitive dev.duplexrpc.core;
  requires transitive micrometer.observation;
  requires transitive micrometer.core;
  requires micrometer.commons;

  exports dev.duplexrpc.micrometer;
}
