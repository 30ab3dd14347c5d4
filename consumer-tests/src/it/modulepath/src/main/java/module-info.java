/** The getting-started application as a named module. */
module com.example.shop {
  requires dev.duplexrpc.server;
  requires dev.duplexrpc.client;

  // The library calls the services of this package and makes proxies of its interfaces, so it must
  // reach the package: the engine (core) and, for ClientConnection.remote, the client module.
  exports com.example.shop to dev.duplexrpc.core, dev.duplexrpc.client;
}
