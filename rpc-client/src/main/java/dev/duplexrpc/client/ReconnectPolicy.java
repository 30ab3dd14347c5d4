package dev.duplexrpc.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a {@link ClientConnection} that lost its socket tries again, and whether it tries at all.
 * The default, {@link #exponential()}, waits a random time between zero and 0.5 s before the
 * first attempt, doubling the upper bound at each failed attempt up to 30 s ("full jitter"), and
 * never gives up.
 *
 * <pre>{@code
 * RpcClient.builder()
 *     .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1))
 *         .withMaxAttempts(20))
 *     ...
 * RpcClient.builder().reconnectPolicy(ReconnectPolicy.fixed(              // SignalR's default
 *     Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30)))
 * RpcClient.builder().reconnectPolicy(ReconnectPolicy.none())             // no reconnecting
 * }</pre>
 *
 * <h2>What is not retried</h2>
 *
 * {@link #reconnectsAfter(int)} decides by the close code of the lost connection. By default the
 * client reconnects after 1001 (going away: a server shutting down or restarting), 1005 (no code),
 * 1006 (socket lost, heartbeat timeout), 1011 (server error), 1012 (service restart), 1013 (try
 * again later) and 1014 (bad gateway), and after nothing else: not after 1000 (a deliberate normal
 * close), 1002, 1003, 1007, 1009, 1010 (protocol and content errors that would recur), 1008
 * (policy violation, for example a server that refused the connection) or an application's own
 * code 3000-4999. A reconnect attempt whose handshake is refused with HTTP 401 or 403 ends the
 * reconnecting too; any other failed attempt (refused TCP connection, timeout, other HTTP status)
 * counts as a failed attempt. A connection the application closed never reconnects.
 *
 * <p>Implementations must be thread-safe; the built-in ones are immutable.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ReconnectPolicy {
  /** The default policy's first upper bound: 0.5 s. */
  Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(500);
  /** The default policy's largest upper bound: 30 s. */
  Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

  /**
   * The delay before a reconnect attempt.
   *
   * @param attempt the attempt's number since the socket was lost, from 1
   * @return the delay (zero for at once), or null to stop reconnecting (the connection then
   *     closes for good)
   */
  Duration delayBefore(int attempt);

  /**
   * Whether to reconnect after a connection closed with {@code closeCode}. The default is the list
   * in the class documentation ({@link #retryableByDefault(int)}).
   *
   * @param closeCode the WebSocket close code of the lost connection
   * @return true to reconnect
   */
  default boolean reconnectsAfter(int closeCode) {
    return retryableByDefault(closeCode);
  }

  /**
   * This policy, stopping after {@code maxAttempts} failed attempts in a row.
   *
   * @param maxAttempts at least 1
   * @return the limited policy
   */
  default ReconnectPolicy withMaxAttempts(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    ReconnectPolicy base = this;
    return new ReconnectPolicy() {
      @Override
      public Duration delayBefore(int attempt) {
        return attempt > maxAttempts ? null : base.delayBefore(attempt);
      }

      @Override
      public boolean reconnectsAfter(int closeCode) {
        return base.reconnectsAfter(closeCode);
      }

      @Override
      public String toString() {
        return base + ".withMaxAttempts(" + maxAttempts + ")";
      }
    };
  }

  /**
   * Whether the close code is one the built-in policies reconnect after: 1001, 1005, 1006, 1011,
   * 1012, 1013 and 1014.
   *
   * @param closeCode a WebSocket close code
   * @return true for a transient condition
   */
  static boolean retryableByDefault(int closeCode) {
    switch (closeCode) {
      case 1001:
      case 1005:
      case 1006:
      case 1011:
      case 1012:
      case 1013:
      case 1014:
        return true;
      default:
        return false;
    }
  }

  /**
   * The default: exponential backoff with full jitter from 0.5 s up to 30 s, unlimited attempts.
   *
   * @return the policy
   */
  static ReconnectPolicy exponential() {
    return exponential(DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY);
  }

  /**
   * Exponential backoff with full jitter, unlimited attempts: attempt {@code n} waits a uniformly
   * random time in {@code [0, min(max, initial × 2^(n-1))]}.
   *
   * @param initial the first upper bound, positive
   * @param max the largest upper bound, at least {@code initial}
   * @return the policy
   */
  static ReconnectPolicy exponential(Duration initial, Duration max) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial <= 0: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max < initial: " + max + " < " + initial);
    }
    long initialNanos = initial.toNanos();
    long maxNanos = max.toNanos();
    return new ReconnectPolicy() {
      @Override
      public Duration delayBefore(int attempt) {
        int shift = Math.min(Math.max(attempt, 1) - 1, 62);
        long bound = initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(bound + 1));
      }

      @Override
      public String toString() {
        return "ReconnectPolicy.exponential(" + initial + ", " + max + ")";
      }
    };
  }

  /**
   * One attempt after each delay, in order, then no more.
   *
   * @param delays the delays, each zero or positive
   * @return the policy
   */
  static ReconnectPolicy fixed(Duration... delays) {
    Objects.requireNonNull(delays, "delays == null");
    List<Duration> list = List.of(delays);
    for (Duration d : list) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative delay: " + d);
      }
    }
    return new ReconnectPolicy() {
      @Override
      public Duration delayBefore(int attempt) {
        return attempt >= 1 && attempt <= list.size() ? list.get(attempt - 1) : null;
      }

      @Override
      public String toString() {
        return "ReconnectPolicy.fixed" + list;
      }
    };
  }

  /**
   * No reconnecting: a lost socket closes the connection for good, as before reconnecting
   * existed.
   *
   * @return the policy
   */
  static ReconnectPolicy none() {
    return new ReconnectPolicy() {
      @Override
      public Duration delayBefore(int attempt) {
        return null;
      }

      @Override
      public boolean reconnectsAfter(int closeCode) {
        return false;
      }

      @Override
      public String toString() {
        return "ReconnectPolicy.none()";
      }
    };
  }
}
