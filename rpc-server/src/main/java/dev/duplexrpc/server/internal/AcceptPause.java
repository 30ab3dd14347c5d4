package dev.duplexrpc.server.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Context;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.IOEventLifeCycleListener;

/**
 * When an accept fails (usually no descriptor is left), accepting pauses briefly, doubling from
 * 5 ms up to 200 ms while it keeps failing, instead of the selector spinning on a socket it cannot
 * take; open connections are served on meanwhile. A successful accept resets the pause.
 */
final class AcceptPause {
  private static final System.Logger LOG = System.getLogger(AcceptPause.class.getName());
  private static final long MIN_PAUSE_MILLIS = 5;
  private static final long MAX_PAUSE_MILLIS = 200;

  private final ScheduledExecutorService timer;
  private final ThrottledLog reports;
  private final AtomicLong failures = new AtomicLong();
  private long pauseMillis; // guarded by this
  private boolean paused; // guarded by this

  private final IOEventLifeCycleListener listener = new IOEventLifeCycleListener.Adapter() {
    @Override
    public void onError(Context context, Object description) {
      failed(context.getConnection(), description);
    }
  };

  /**
   * @param timer the thread that resumes accepting; once it is shut down, nothing pauses
   * @param reports where a failed accept is logged
   */
  AcceptPause(ScheduledExecutorService timer, ThrottledLog reports) {
    this.timer = timer;
    this.reports = reports;
  }

  /** The listener for the server connection's accept events. */
  IOEventLifeCycleListener listener() {
    return listener;
  }

  /** The failed accepts so far. */
  long failures() {
    return failures.get();
  }

  /** An accept succeeded: the next failure pauses for the shortest time again. */
  void reset() {
    synchronized (this) {
      if (!paused) {
        pauseMillis = 0;
      }
    }
  }

  private void failed(Connection<?> server, Object error) {
    if (!server.isOpen() || timer.isShutdown()) {
      return;
    }
    failures.incrementAndGet();
    long pause;
    synchronized (this) {
      if (paused) {
        return;
      }
      paused = true;
      pauseMillis = pauseMillis == 0 ? MIN_PAUSE_MILLIS : Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
      pause = pauseMillis;
    }
    reports.warn("accept failed", error + "; accepting paused for " + pause
        + " ms at a time, open connections served on");
    try {
      server.disableIOEvent(IOEvent.SERVER_ACCEPT);
      timer.schedule(() -> {
        synchronized (this) {
          paused = false;
        }
        try {
          if (server.isOpen()) {
            server.enableIOEvent(IOEvent.SERVER_ACCEPT);
          }
        } catch (IOException | RuntimeException e) {
          LOG.log(Level.WARNING, "Could not resume accepting", e);
        }
      }, pause, TimeUnit.MILLISECONDS);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        paused = false;
      }
      LOG.log(Level.DEBUG, "Could not pause accepting: {0}", e);
    }
  }
}
