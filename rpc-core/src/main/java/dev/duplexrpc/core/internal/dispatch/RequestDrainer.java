package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.internal.ReplyGathering;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands one connection's admitted requests to the executor through a queue: executor tasks
 * ("drainers") take the queued requests one after the other, instead of one task per request, so a
 * burst of fast requests wakes a couple of threads rather than one each. A slow handler still
 * delays no other request: whenever a drainer starts a handler while requests are queued, one
 * more drainer is on its way, so a queued request waits behind a running handler at most for a
 * thread's wake-up. At most one drainer is scheduled and not yet started at a time; any number
 * run at once (each running one handler). A drainer hands its thread back after {@link #TURN}
 * requests, so that one busy connection does not keep a pool thread from the others.
 *
 * <p>The replies of handlers that finish on a drainer may be gathered by the transport and written
 * together ({@link ReplyGathering}): a drainer flushes them before it starts a handler that no
 * other drainer follows, and when it starts and stops, so a finished reply too waits behind a
 * running handler at most for a thread's wake-up.
 */
final class RequestDrainer {
  private static final System.Logger LOG = System.getLogger(RequestDrainer.class.getName());
  /** Requests one drainer runs before it hands its thread back to the executor. */
  static final int TURN = 64;
  /** One queued request: run it on a drainer, or answer it when no drainer can be scheduled. */
  interface Task {
    /**
     * Runs the request on this drainer.
     *
     * @param gathering to open while sending the reply of a handler that finished here
     */
    void run(ReplyGathering gathering);

    /** The executor rejected the drainer that would have run this task. */
    void rejected();
  }

  private final Executor executor;
  private final Queue<Task> queue = new ConcurrentLinkedQueue<>();
  /** A drainer has been handed to the executor and has not started yet. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  /** Drainers looking for their next task (not running a handler). */
  private final AtomicInteger looking = new AtomicInteger();
  /** The drainer scheduling a follower on this thread, so that one run inline does not nest. */
  private static final ThreadLocal<Object> DRAINING = new ThreadLocal<>();
  /** Left in {@link #DRAINING} by a drainer the executor ran inline in one of this connection's. */
  private static final Object RAN_INLINE = new Object();

  private final Runnable drainer = this::drain;
  private final ReplyGathering gathering = new ReplyGathering();

  RequestDrainer(Executor executor) {
    this.executor = executor;
  }

  /** Queues {@code task}; it runs on a drainer, or {@link Task#rejected()} is called. */
  void submit(Task task) {
    queue.add(task);
    // A drainer between two handlers takes it: it checks the queue again after it stops looking.
    if (looking.get() == 0) {
      ensureDrainer();
    }
  }

  /** Makes sure a drainer is scheduled and not yet started. */
  private void ensureDrainer() {
    if (!scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(drainer);
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
      gathering.flush();
      rejectQueued();
    } catch (RuntimeException | Error e) {
      scheduled.set(false);
      gathering.flush();
      rejectQueued();
      throw e;
    }
  }

  /** No drainer could be scheduled: answers what is queued (running drainers may take some). */
  private void rejectQueued() {
    Task t;
    while ((t = queue.poll()) != null) {
      t.rejected();
    }
  }

  /**
   * Makes sure another drainer is coming, from a drainer; false if the executor ran it inline here
   * (a caller-runs executor with no thread free), which leaves the queue to this drainer.
   */
  private boolean followed() {
    Object outer = DRAINING.get();
    DRAINING.set(this);
    try {
      ensureDrainer();
      return DRAINING.get() != RAN_INLINE;
    } finally {
      DRAINING.set(outer);
    }
  }

  private void drain() {
    scheduled.set(false);
    gathering.flush(); // replies gathered behind a handler that another drainer is running
    if (DRAINING.get() == this) {
      DRAINING.set(RAN_INLINE); // run inline by this connection's drainer: that one goes on
      return;
    }
    int ran = 0;
    looking.incrementAndGet();
    while (true) {
      Task t = queue.poll();
      if (t == null) {
        looking.decrementAndGet();
        // A request queued while this drainer was looking was left to it: check once more.
        if (queue.isEmpty()) {
          gathering.flush();
          return;
        }
        looking.incrementAndGet();
        continue;
      }
      looking.decrementAndGet();
      if (!queue.isEmpty()) {
        // This handler may be slow: the next request, and the replies gathered so far, must not
        // wait for it. The next drainer flushes those when it starts; if it cannot start soon
        // (every executor thread busy), the timer's sweep does (ReplyGathering.handOff).
        if (followed()) {
          gathering.handOff();
        } else {
          gathering.flush(); // run inline and gone: no drainer follows this handler
        }
      } else {
        gathering.flush(); // no drainer follows this handler
      }
      try {
        t.run(gathering);
      } catch (RuntimeException | Error e) {
        LOG.log(System.Logger.Level.WARNING, "A request's task failed", e);
      }
      if (++ran >= TURN && !queue.isEmpty()) {
        if (followed()) { // give the thread back: other connections' tasks wait for the pool too
          gathering.flush();
          return;
        }
        ran = 0;
      }
      looking.incrementAndGet();
    }
  }
}
