package dev.duplexrpc.server.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings of one kind at most once per 10 seconds, each with how many happened since the last
 * line: a flood of refused sockets logs a count, not a line per socket. Thread-safe.
 */
final class ThrottledLog {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger log;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  /** A kind's count since its last line. */
  private static final class Kind {
    final AtomicLong unreported = new AtomicLong();
    volatile long last = System.nanoTime() - INTERVAL_NANOS;
  }

  /** @param log where the lines go */
  ThrottledLog(Logger log) {
    this.log = log;
  }

  /**
   * Counts one event of {@code kind}; logs it, with the count, unless a line of its kind was
   * logged in the last 10 seconds.
   */
  void warn(String kind, String detail) {
    Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
    long n = k.unreported.incrementAndGet();
    long now = System.nanoTime();
    long last = k.last;
    if (now - last >= INTERVAL_NANOS) {
      synchronized (k) {
        if (k.last != last) {
          return;
        }
        k.last = now;
        n = k.unreported.getAndSet(0);
      }
      log.log(Level.WARNING, "{0}: {1} ({2} since the last report; the next in 10 s at the earliest)", kind,
          detail, String.valueOf(n));
    }
  }
}
