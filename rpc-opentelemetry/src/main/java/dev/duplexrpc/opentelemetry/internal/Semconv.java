package dev.duplexrpc.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The OpenTelemetry semantic-convention names this module records (semantic conventions v1.44.0:
 * docs/rpc/json-rpc.md, rpc-spans.md, rpc-metrics.md), in one place. After v1.44.0 the
 * conventions' main branch renames rpc.response.status_code to rpc.status_code.
 */
final class Semconv {
  static final AttributeKey<String> RPC_SYSTEM_NAME = AttributeKey.stringKey("rpc.system.name");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> RPC_METHOD_ORIGINAL = AttributeKey.stringKey("rpc.method_original");
  static final AttributeKey<String> RPC_STATUS_CODE = AttributeKey.stringKey("rpc.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> JSONRPC_REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
  static final AttributeKey<String> JSONRPC_PROTOCOL_VERSION =
      AttributeKey.stringKey("jsonrpc.protocol.version");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");

  static final String JSONRPC = "jsonrpc";
  static final String OTHER = "_OTHER";
  static final String SERVER_DURATION = "rpc.server.call.duration";
  static final String CLIENT_DURATION = "rpc.client.call.duration";
  /** The conventions' advised bucket boundaries for both durations, in seconds. */
  static final List<Double> DURATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private Semconv() {}
}
