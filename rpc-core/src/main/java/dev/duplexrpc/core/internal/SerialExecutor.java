package dev.duplexrpc.core.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor; no thread is held while
 * the queue is empty. A task that throws is logged and the next one runs. The one serial executor
 * of the library: a Peer's notifications, a client connection's listener callbacks. The queue is
 * made when a task has to wait and dropped once drained: an idle connection holds none.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final Executor delegate;
  private final String what;
  private Queue<Runnable> queue; // guarded by this; null while nothing waits
  private boolean running; // guarded by this

  /**
   * An idle serial executor over {@code delegate}.
   *
   * @param delegate runs each batch of queued tasks
   */
  public SerialExecutor(Executor delegate) {
    this(delegate, "Serial task");
  }

  /**
   * An idle serial executor over {@code delegate} whose failures are logged as {@code what}.
   *
   * @param delegate runs each batch of queued tasks
   * @param what what a task is, for the log, for example {@code "A connection listener"}
   */
  public SerialExecutor(Executor delegate, String what) {
    this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    this.what = Objects.requireNonNull(what, "what == null");
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      if (queue == null) {
        queue = new ArrayDeque<>();
      }
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (this) {
        running = false;
        queue = null;
      }
      throw e;
    }
  }

  /**
   * Runs {@code task} at once on this thread if nothing is queued or running, keeping the order:
   * tasks submitted meanwhile run after it, on the delegate. Returns false, having run nothing,
   * when the executor is busy; the caller then {@link #execute submits} the task.
   *
   * @param task the task
   * @return whether the task ran
   */
  public boolean runIfIdle(Runnable task) {
    synchronized (this) {
      if (running) {
        return false;
      }
      running = true;
    }
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.WARNING, what + " failed", e);
    } finally {
      boolean more;
      synchronized (this) {
        more = queue != null && !queue.isEmpty();
        running = more;
      }
      if (more) {
        try {
          delegate.execute(this::drain);
        } catch (RuntimeException e) {
          synchronized (this) {
            running = false;
            queue = null;
          }
          LOG.log(System.Logger.Level.WARNING, what + "s dropped: the executor rejected them", e);
        }
      }
    }
    return true;
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = queue == null ? null : queue.poll();
        if (next == null) {
          running = false;
          queue = null; // drained: an idle executor holds no queue
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, what + " failed", e);
      }
    }
  }
}
