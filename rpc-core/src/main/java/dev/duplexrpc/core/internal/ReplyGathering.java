package dev.duplexrpc.core.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets a transport gather the replies that one connection's request drainers send, so that the
 * replies of several requests leave in one write. Open on a thread only while a drainer sends the
 * reply of a handler that finished on it (never while a handler runs: a call a handler makes goes
 * out at once). A transport that holds such a frame registers a flush with {@link #onFlush}; the
 * drainers run the registered flushes before they start a handler that no other drainer follows,
 * when they start, and when they stop. So a finished reply waits behind a running handler at most
 * for another drainer's wake-up, as a queued request does.
 */
public final class ReplyGathering {
  private static final ThreadLocal<ReplyGathering> CURRENT = new ThreadLocal<>();

  private List<Runnable> flushes; // guarded by this

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
