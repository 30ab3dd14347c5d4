package dev.duplexrpc.client.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on {@link Background#executor()}: for a
 * connection's listener callbacks, which must not overlap or reorder. A task that throws is
 * logged and the next one runs.
 */
public final class Serial implements Executor {
  private static final System.Logger LOG = System.getLogger(Serial.class.getName());

  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running; // guarded by this

  /** Creates an idle serial executor. */
  public Serial() {}

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    Background.executor().execute(this::drain);
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | LinkageError e) {
        LOG.log(Level.WARNING, "A connection listener failed", e);
      }
    }
  }
}
