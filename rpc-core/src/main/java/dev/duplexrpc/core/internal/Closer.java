package dev.duplexrpc.core.internal;

/** Closes one connection with a WebSocket code and reason: how a stage ends its Peer. */
@FunctionalInterface
public interface Closer {
  /** Closes the connection; idempotent. */
  void close(int code, String reason);
}
