package dev.duplexrpc.server;

import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerListener;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One connection's place in its endpoint's registry, and what its close does there: tells the
 * connection listener (the Peer's listener), forgets the connection (run before the connection's
 * close future completes, and when its socket closes), then tells the cluster (a dependent of the
 * Peer's close future). One object per connection for what were a holder, a listener and three
 * callbacks: an idle connection is mostly such small objects. Thread-safe.
 */
final class Registration implements PeerListener, Runnable, Consumer<ConnectionClosedException>,
    Function<ConnectionClosedException, ConnectionClosedException> {
  private final RpcEndpoint endpoint;
  private final String id;
  private volatile ServerConnection connection; // null while being made

  Registration(RpcEndpoint endpoint, String id) {
    this.endpoint = endpoint;
    this.id = id;
  }

  /** Sets the connection, once made; a close before this tells the listener nothing to forget. */
  void connection(ServerConnection c) {
    connection = c;
  }

  /** The Peer closed: tells the connection listener. */
  @Override
  public void onClose(Peer peer, int code, String reason) {
    endpoint.closed(connection, code, reason);
  }

  /** Forgets the connection, if made (again is harmless). */
  @Override
  public void run() {
    ServerConnection c = connection;
    if (c != null) {
      endpoint.forget(id, c);
    }
  }

  /** Forgets the connection on the way to its close future: {@code ex} passed on as it is. */
  @Override
  public ConnectionClosedException apply(ConnectionClosedException ex) {
    run();
    return ex;
  }

  /** The Peer's close future completed: forgotten again (a close while it was being registered), then the cluster told. */
  @Override
  public void accept(ConnectionClosedException ex) {
    try {
      run();
    } finally {
      endpoint.clusterClosed(connection, ex);
    }
  }
}
