package dev.duplexrpc.core;

import dev.duplexrpc.core.internal.EventCounters;

/**
 * Process-wide counts of connection events since the JVM started, for metrics: the limits the
 * library enforced, the heartbeat drops and the client reconnects, over every server, client and
 * Peer in the process. Each only grows. The Micrometer module (rpc-micrometer) publishes them.
 *
 * <pre>{@code
 * long refused = RpcCounters.overloaded();   // requests answered -32003 (or notifications over backlog)
 * }</pre>
 *
 * <p>Thread-safe; reading is cheap and never blocks.
 *
 * @since 0.2
 */
public final class RpcCounters {
  private RpcCounters() {}

  /**
   * Requests answered -32003 Overloaded (past {@code maxInFlight}, or the executor refused them),
   * and connections closed 1008 for a notification backlog past {@code maxQueuedNotifications}.
   *
   * @return the count
   */
  public static long overloaded() {
    return EventCounters.OVERLOADED.sum();
  }

  /**
   * Connections closed 1009 for a received message over {@code maxMessageSize}.
   *
   * @return the count
   */
  public static long tooLarge() {
    return EventCounters.TOO_LARGE.sum();
  }

  /**
   * Connections dropped (1001) because the other end did not read: the send queue went past
   * {@code maxQueuedBytes}.
   *
   * @return the count
   */
  public static long slowReadersDropped() {
    return EventCounters.SLOW_READERS.sum();
  }

  /**
   * Connections dropped by the heartbeat: nothing received for the idle timeout.
   *
   * @return the count
   */
  public static long heartbeatDrops() {
    return EventCounters.HEARTBEAT_DROPS.sum();
  }

  /**
   * Reconnects of the reconnecting client that brought a connection back.
   *
   * @return the count
   */
  public static long reconnects() {
    return EventCounters.RECONNECTS.sum();
  }
}
