package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.ConnectionClosedException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether one connection is open, shared by the stages of its Peer: it holds the exception that
 * pending and new calls fail with once the connection has closed, set exactly once.
 */
public final class ConnectionState {
  private final AtomicReference<ConnectionClosedException> closed = new AtomicReference<>();

  /** The close, or null while the connection is open. */
  public ConnectionClosedException closed() {
    return closed.get();
  }

  /** Whether the connection is open. */
  public boolean isOpen() {
    return closed.get() == null;
  }

  /**
   * Records the close.
   *
   * @return the exception calls now fail with, or null if the connection was already closed
   */
  public ConnectionClosedException close(int code, String reason) {
    ConnectionClosedException ex = new ConnectionClosedException(code, reason);
    return closed.compareAndSet(null, ex) ? ex : null;
  }
}
