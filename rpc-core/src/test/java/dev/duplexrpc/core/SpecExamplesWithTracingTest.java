package dev.duplexrpc.core;

/**
 * Every example of the JSON-RPC 2.0 specification again, with a tracing interceptor installed
 * that reads the received trace context and puts one on every outgoing call: the other end did
 * not agree the wire extensions, so the wire is the same byte for byte.
 */
class SpecExamplesWithTracingTest extends SpecExamplesTest {
  static final TraceContext TRACE =
      TraceContext.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v");

  @Override
  Peer.Builder peerBuilder() {
    RpcInterceptor tracing = call -> {
      if (call.direction() == RpcCall.Direction.OUTGOING) {
        call.put(TraceContext.PROPAGATE, TRACE);
      } else if (call.context().get(TraceContext.REMOTE_PARENT) != null) {
        throw new AssertionError("a trace context from a peer that did not agree the extensions");
      }
      return outcome -> { };
    };
    return Peer.builder().config(PeerConfig.builder().interceptor(tracing).build());
  }
}
