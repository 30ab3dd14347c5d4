package dev.duplexrpc.containers;

import dev.duplexrpc.server.Events;
import dev.duplexrpc.server.ServerConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A started server the contract suite runs against, whatever container it runs in: its URI and the
 * server-side API ({@code RpcServer}'s or {@code RpcEndpoint}'s, which are the same).
 */
public interface ServerUnderTest extends AutoCloseable {
  /** The endpoint's {@code ws://127.0.0.1:port/...} URI. */
  URI uri();

  /** The endpoint's events. */
  Events events();

  /** The open connections. */
  Collection<ServerConnection> connections();

  /** The open connection with an id. */
  Optional<ServerConnection> connection(String id);

  /** Shuts down gracefully ({@code RpcServer.shutdown} / {@code RpcEndpoint.shutdown}). */
  CompletableFuture<Void> shutdown(Duration grace);

  /** Closes every connection with 1001 and stops the container; idempotent. */
  @Override
  void close();
}
