package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.ConnectionClosedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Whether one connection is open, shared by the stages of its Peer: it holds the exception that
 * pending and new calls fail with once the connection has closed, set exactly once.
 */
public final class ConnectionState {
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup()
          .findVarHandle(ConnectionState.class, "closed", ConnectionClosedException.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile ConnectionClosedException closed; // set once, through CLOSED

  /** The close, or null while the connection is open. */
  public ConnectionClosedException closed() {
    return closed;
  }

  /** Whether the connection is open. */
  public boolean isOpen() {
    return closed == null;
  }

  /**
   * Records the close.
   *
   * @return the exception calls now fail with, or null if the connection was already closed
   */
  public ConnectionClosedException close(int code, String reason) {
    ConnectionClosedException ex = new ConnectionClosedException(code, reason);
    return CLOSED.compareAndSet(this, null, ex) ? ex : null;
  }
}
