/**
 * Duplex RPC core: a transport-agnostic JSON-RPC 2.0 engine.
 *
 * <p>Exports the API ({@code dev.duplexrpc.core}), the service annotations
 * ({@code dev.duplexrpc.core.annotation}) and the binding SPI ({@code dev.duplexrpc.core.transport}).
 * Everything under {@code dev.duplexrpc.core.internal} is private to the library.
 *
 * <p>Service classes in a named module must be readable by this module: export (or open) their
 * package to {@code dev.duplexrpc.core} and, for Gson to bind records and classes, to
 * {@code com.google.gson}.
 */
module dev.duplexrpc.core {
  requires transitive com.google.gson;

  exports dev.duplexrpc.core;
  exports dev.duplexrpc.core.annotation;
  exports dev.duplexrpc.core.transport;
}
