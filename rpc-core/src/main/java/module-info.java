/**
 * Duplex RPC core: a transport-agnostic JSON-RPC 2.0 engine.
 *
 * <p>Exports the API ({@code dev.duplexrpc.core}), the service annotations
 * ({@code dev.duplexrpc.core.annotation}) and the binding SPI ({@code dev.duplexrpc.core.transport}).
 * Everything under {@code dev.duplexrpc.core.internal} is private to the library.
 *
 * <p>Service classes in a named module must be accessible to this module: export their package
 * to {@code dev.duplexrpc.core} (or open it). Types that Gson binds reflectively (records and
 * classes used as params or results) must be in packages opened to {@code com.google.gson};
 * exporting is not enough for Gson.
 */
module dev.duplexrpc.core {
  requires transitive com.google.gson;

  exports dev.duplexrpc.core;
  exports dev.duplexrpc.core.annotation;
  exports dev.duplexrpc.core.transport;
  // The bindings share the core's JSON writing (event payloads serialized once) and discovery
  // documents, and the WebSocket layer the core's one timer thread and serial executor; nobody else.
  exports dev.duplexrpc.core.internal to dev.duplexrpc.websocket, dev.duplexrpc.server, dev.duplexrpc.client;
  exports dev.duplexrpc.core.internal.codec to dev.duplexrpc.server, dev.duplexrpc.client;
  // The reconnecting client makes the core's proxies with its own call target (the current
  // socket's Peer, or its offline queue).
  exports dev.duplexrpc.core.internal.proxy to dev.duplexrpc.client;
  // Calls that carry streams go to one socket's call table (CallTarget.connection).
  exports dev.duplexrpc.core.internal.call to dev.duplexrpc.client;
  // Resumable sessions: the sequence layer both bindings put between their sockets and the Peer.
  exports dev.duplexrpc.core.internal.resume to dev.duplexrpc.server, dev.duplexrpc.client;
}
