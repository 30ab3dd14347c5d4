/** The getting-started application as a named module. */
module com.example.shop {
  requires dev.duplexrpc.server;
  requires dev.duplexrpc.client;

  // The library calls the services of this package and makes proxies of its interfaces (also
  // those of ClientConnection.remote): its engine, the core module, must reach the package.
  exports com.example.shop to dev.duplexrpc.core;
}
