package dev.duplexrpc.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a transport gather the replies that one connection's request drainers send, so that the
 * replies of several requests leave in one write. Open on a thread only while a drainer sends the
 * reply of a handler that finished on it (never while a handler runs: a call a handler makes goes
 * out at once). A transport that holds such a frame registers a flush with {@link #onFlush}; the
 * drainers run the registered flushes before they start a handler that no other drainer follows,
 * when they start, and when they stop. So a finished reply waits behind a running handler at most
 * for another drainer's wake-up, as a queued request does, or, when no executor thread is free for
 * that drainer, for the timer's sweep ({@link #handOff}).
 */
public final class ReplyGathering {
  private static final ThreadLocal<ReplyGathering> CURRENT = new ThreadLocal<>();

  /** Gatherings whose flush was left to a drainer that may not start soon; see {@link #handOff}. */
  private static final Queue<ReplyGathering> HANDED_OFF = new ConcurrentLinkedQueue<>();
  private static final AtomicBoolean SWEEP_SCHEDULED = new AtomicBoolean();
  /** How long a handed-off reply waits at most for its drainer before the timer writes it. */
  static final long SWEEP_DELAY_MILLIS = 10;

  private List<Runnable> flushes; // guarded by this
  private boolean queued; // guarded by this: in HANDED_OFF

  /** A gathering for one connection, with nothing registered. */
  public ReplyGathering() {}

  /**
   * The gathering open on this thread, or null: a transport may hold a frame sent now only if
   * this is not null, and then registers its flush.
   *
   * @return the open gathering, or null
   */
  public static ReplyGathering current() {
    return CURRENT.get();
  }

  /**
   * Opens this gathering on this thread (to send a finished reply); give the result to {@link
   * #close}.
   *
   * @return what was open before
   */
  public ReplyGathering open() {
    ReplyGathering previous = CURRENT.get();
    CURRENT.set(this);
    return previous;
  }

  /**
   * Closes this gathering on this thread, restoring what {@link #open} returned.
   *
   * @param previous what was open before
   */
  public static void close(ReplyGathering previous) {
    CURRENT.set(previous);
  }

  /**
   * Registers a flush to run at the next {@link #flush()}: the transport that holds a frame
   * writes it then. Registered once per held frames (the transport tracks that).
   *
   * @param flush writes what the transport holds
   */
  public void onFlush(Runnable flush) {
    synchronized (this) {
      if (flushes == null) {
        flushes = new ArrayList<>(1);
      }
      flushes.add(flush);
    }
  }

  /**
   * A drainer starts a handler while this holds replies, and leaves their flush to the drainer it
   * scheduled. That one starts at once unless every executor thread is busy (a small fixed pool,
   * handlers that block): then the timer flushes them within about {@value #SWEEP_DELAY_MILLIS}
   * ms, so a finished reply never waits for a free executor thread (a client that waits for it
   * before answering what a running handler waits for would otherwise wait for good).
   */
  public void handOff() {
    synchronized (this) {
      if (flushes == null || queued) {
        return;
      }
      queued = true;
    }
    HANDED_OFF.add(this);
    if (SWEEP_SCHEDULED.compareAndSet(false, true)) {
      Defaults.timer().schedule(ReplyGathering::sweep, SWEEP_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private static void sweep() {
    SWEEP_SCHEDULED.set(false); // a hand-off from now on schedules the next sweep
    ReplyGathering g;
    while ((g = HANDED_OFF.poll()) != null) {
      synchronized (g) {
        g.queued = false;
      }
      try {
        g.flush(); // nothing, when its drainer started meanwhile
      } catch (RuntimeException e) {
        System.getLogger(ReplyGathering.class.getName())
            .log(System.Logger.Level.WARNING, "Writing held replies failed", e);
      }
    }
  }

  /** Runs and forgets the registered flushes; cheap when none is registered. */
  public void flush() {
    List<Runnable> run;
    synchronized (this) {
      run = flushes;
      flushes = null;
    }
    if (run != null) {
      for (Runnable r : run) {
        r.run();
      }
    }
  }
}
