package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.internal.Closer;
import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.Limits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what one connection has accepted and not finished, and decides whether to accept more:
 * the in-flight request limit, the notification queue limit, and the graceful shutdown that stops
 * accepting and closes once everything accepted is done.
 */
public final class Admission {
  /** What happens to an incoming request or notification. */
  public enum Verdict {
    ADMITTED,
    OVER_LIMIT,
    SHUTTING_DOWN
  }

  private final ConnectionState state;
  private final Closer closer;
  private final int maxInFlight;
  private final int maxQueuedNotifications;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Accepted requests whose response has not been handed to the transport yet (for shutdown). */
  private final AtomicInteger unanswered = new AtomicInteger();
  private final AtomicInteger queuedNotifications = new AtomicInteger();
  private volatile CompletableFuture<Void> drained;

  public Admission(ConnectionState state, Closer closer, int maxInFlight, int maxQueuedNotifications) {
    this.state = state;
    this.closer = closer;
    this.maxInFlight = maxInFlight;
    this.maxQueuedNotifications = maxQueuedNotifications;
  }

  /** Requests being handled plus notifications queued or running. */
  public int running() {
    return inFlight.get() + queuedNotifications.get();
  }

  int maxInFlight() {
    return maxInFlight;
  }

  int maxQueuedNotifications() {
    return maxQueuedNotifications;
  }

  /**
   * Admits a request. {@link Verdict#ADMITTED} and {@link Verdict#SHUTTING_DOWN} count it as
   * unanswered until {@link #answered()}; admitted, it is in flight until {@link #handled()}.
   */
  Verdict admitRequest() {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return Verdict.OVER_LIMIT;
    }
    unanswered.incrementAndGet();
    if (drained != null) { // checked after counting, so that a shutdown never misses this request
      inFlight.decrementAndGet();
      return Verdict.SHUTTING_DOWN;
    }
    return Verdict.ADMITTED;
  }

  /** An admitted request's handler has finished: its slot is free. */
  void handled() {
    inFlight.decrementAndGet();
  }

  /** A counted request's response is on its way. */
  void answered() {
    unanswered.decrementAndGet();
    checkDrained();
  }

  /** Admits a notification; admitted, it is queued until {@link #notificationDone(boolean)}. */
  Verdict admitNotification() {
    if (queuedNotifications.incrementAndGet() > maxQueuedNotifications) {
      queuedNotifications.decrementAndGet();
      return Verdict.OVER_LIMIT;
    }
    if (drained != null) {
      queuedNotifications.decrementAndGet();
      checkDrained();
      return Verdict.SHUTTING_DOWN;
    }
    return Verdict.ADMITTED;
  }

  /** An admitted notification ran, or (ran false) was never run. */
  void notificationDone(boolean ran) {
    queuedNotifications.decrementAndGet();
    if (ran) {
      checkDrained();
    }
  }

  /**
   * Stops admitting, and closes with 1001 once nothing accepted is running or after {@code grace}.
   * Idempotent: a second call returns the same future.
   *
   * @throws IllegalArgumentException if {@code grace} is negative
   *
   * @param closed completes when the connection closes
   */
  public CompletableFuture<Void> shutdown(Duration grace, CompletableFuture<?> closed) {
    java.util.Objects.requireNonNull(grace, "grace == null");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace < 0: " + grace);
    }
    CompletableFuture<Void> done;
    synchronized (this) {
      if (drained != null) {
        return drained.thenApply(v -> v);
      }
      done = new CompletableFuture<>();
      drained = done;
    }
    closed.whenComplete((e, t) -> done.complete(null));
    ScheduledFuture<?> timer =
        Defaults.timer().schedule(() -> closer.close(1001, "going away"),
            Limits.millisRoundedUp(grace), TimeUnit.MILLISECONDS);
    done.whenComplete((v, t) -> timer.cancel(false));
    checkDrained();
    return done.thenApply(v -> v);
  }

  /** Closes a draining connection once nothing it accepted is still running. */
  private void checkDrained() {
    if (drained != null && unanswered.get() == 0 && queuedNotifications.get() == 0 && state.isOpen()) {
      closer.close(1001, "going away");
    }
  }
}
