package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.internal.codec.Id;
import java.util.concurrent.Future;

/**
 * One incoming request being served: the thread running its synchronous part, the future its
 * handler returned, and whether it was cancelled. Guarded by its own monitor so that an interrupt
 * never reaches a thread that has moved on to other work.
 */
final class Running {
  final Id id;
  /** False for a duplicate id in flight: served, but cannot be cancelled by id. */
  final boolean tracked;
  private Thread thread;
  private Future<?> future;
  private boolean cancelled;
  private boolean done;

  Running(Id id, boolean tracked) {
    this.id = id;
    this.tracked = tracked;
  }

  /** Called by the serving thread before the handler runs; false if already cancelled. */
  synchronized boolean start() {
    if (cancelled) {
      return false;
    }
    thread = Thread.currentThread();
    return true;
  }

  /** Called by the serving thread after the handler's synchronous part. */
  void endSync(Object result) {
    Future<?> toCancel = null;
    synchronized (this) {
      thread = null;
      if (cancelled) {
        Thread.interrupted(); // clear our interrupt so it does not leak into the pool thread
      }
      if (result instanceof Future<?> f) {
        future = f;
        if (cancelled) {
          toCancel = f;
        }
      }
    }
    if (toCancel != null) {
      toCancel.cancel(true);
    }
  }

  /**
   * Marks the request cancelled and interrupts the thread running its synchronous part.
   *
   * @return the future the handler returned, for the caller to cancel, or null
   */
  synchronized Future<?> cancel() {
    if (cancelled || done) {
      return null;
    }
    cancelled = true;
    if (thread != null) {
      thread.interrupt();
    }
    return future;
  }

  /** Marks the request answered; true if it was cancelled. */
  synchronized boolean finish() {
    done = true;
    return cancelled;
  }
}
