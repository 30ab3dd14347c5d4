package dev.duplexrpc.containers;

import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The contract suite against the embedded server: {@link RpcServer} (Tyrus on Grizzly). */
class EmbeddedServerContractTest extends ClientContract {

  @Override
  protected ServerUnderTest startServer(RpcServer.Builder builder) throws Exception {
    RpcServer server = builder.host("127.0.0.1").port(0).build().start();
    return new ServerUnderTest() {
      @Override public URI uri() { return server.uri(); }
      @Override public Events events() { return server.events(); }
      @Override public Collection<ServerConnection> connections() { return server.connections(); }
      @Override public Optional<ServerConnection> connection(String id) { return server.connection(id); }
      @Override public CompletableFuture<Void> shutdown(Duration grace) { return server.shutdown(grace); }
      @Override public void close() { server.close(); }
    };
  }

  @Override
  protected boolean refusesUpgradesWithHttpStatus() {
    return true;
  }
}
