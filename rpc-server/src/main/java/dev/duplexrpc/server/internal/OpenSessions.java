package dev.duplexrpc.server.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket sessions of one endpoint whose closing handshake has not finished: opened by the
 * container's {@code onOpen}, forgotten by its {@code onClose}. Whoever stops the container waits
 * here for the clients' close replies instead of for a fixed time.
 */
public final class OpenSessions {
  private final Set<String> open = new HashSet<>();

  /** A session opened. */
  public synchronized void opened(String id) {
    open.add(id);
  }

  /** A session finished its closing handshake (or lost its socket). */
  public synchronized void closed(String id) {
    if (open.remove(id) && open.isEmpty()) {
      notifyAll();
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for every session to close.
   *
   * @return true if none is left open
   */
  public synchronized boolean awaitNone(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!open.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
