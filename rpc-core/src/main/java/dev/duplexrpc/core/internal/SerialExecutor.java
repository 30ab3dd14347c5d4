package dev.duplexrpc.core.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor; no thread is held while
 * the queue is empty. A task that throws is logged and the next one runs. The one serial executor
 * of the library: a Peer's notifications, a client connection's listener callbacks.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final Executor delegate;
  private final String what;
  private final Queue<Runnable> queue = new ArrayDeque<>();
  private boolean running;

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
    synchronized (queue) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (queue) {
        running = false;
        queue.clear();
      }
      throw e;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          running = false;
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
