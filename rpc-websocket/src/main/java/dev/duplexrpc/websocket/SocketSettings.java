package dev.duplexrpc.websocket;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of each WebSocket the server or the client opens: how often it pings, how long it
 * may stay silent, and how many bytes may wait to be written to it. Both {@code RpcServer.Builder}
 * and {@code RpcClient.Builder} hold one; their {@code pingInterval}, {@code idleTimeout} and
 * {@code maxQueuedBytes} setters are shortcuts to it.
 *
 * <pre>{@code
 * SocketSettings socket = SocketSettings.builder()
 *     .pingInterval(Duration.ofSeconds(5))
 *     .idleTimeout(Duration.ofSeconds(12))
 *     .build();
 * RpcServer.builder().socketSettings(socket);
 * RpcClient.builder().socketSettings(socket);
 * }</pre>
 *
 * <h2>Heartbeat</h2>
 *
 * Every {@link #pingInterval()} each end sends a WebSocket ping, which the other end's WebSocket
 * layer answers with a pong. A connection from which nothing at all (a message, a pong, a ping,
 * part of a frame) was read for {@link #idleTimeout()} is taken as dead: its socket is dropped and
 * every call pending on it fails at once with {@code ConnectionClosedException} (close code 1006,
 * the reason naming the heartbeat). See docs/reliability.md.
 *
 * <h2>Send queue</h2>
 *
 * Sends never block: a message waits in the connection's queue until the socket takes it. Past
 * {@link #maxQueuedBytes()} (UTF-8), with something already waiting, the other end is not reading
 * and the connection is dropped instead of letting the heap grow: locally it closes with 1001 and
 * a reason that names the send queue, and every call pending on it fails at once. A single message
 * larger than the limit still goes out when nothing else waits.
 *
 * <p>Instances are immutable and thread-safe; derive a variant with {@link #newBuilder()}.
 *
 * @since 0.1
 */
public final class SocketSettings {
  /** Default {@link Builder#pingInterval(Duration)}: 15 seconds. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(15);
  /** Default {@link Builder#idleTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Default {@link Builder#maxQueuedBytes(long)}: 16 MiB, as OkHttp's WebSocket. */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 16L << 20;

  private static final SocketSettings DEFAULTS = new Builder().build();

  private final Duration pingInterval;
  private final Duration idleTimeout;
  private final long maxQueuedBytes;

  private SocketSettings(Builder b) {
    this.pingInterval = b.pingInterval;
    this.idleTimeout = b.idleTimeout;
    this.maxQueuedBytes = b.maxQueuedBytes;
  }

  /**
   * The settings with every default.
   *
   * @return the default settings
   */
  public static SocketSettings defaults() {
    return DEFAULTS;
  }

  /**
   * A new builder with every default set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with these settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.pingInterval = pingInterval;
    b.idleTimeout = idleTimeout;
    b.maxQueuedBytes = maxQueuedBytes;
    return b;
  }

  /**
   * The time between pings; zero for none.
   *
   * @return the ping interval
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /**
   * The silence after which a connection is dropped; zero for never.
   *
   * @return the idle timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * The most bytes that may wait to be written to one socket; zero for no limit.
   *
   * @return the limit in bytes of UTF-8
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SocketSettings)) {
      return false;
    }
    SocketSettings s = (SocketSettings) o;
    return pingInterval.equals(s.pingInterval) && idleTimeout.equals(s.idleTimeout)
        && maxQueuedBytes == s.maxQueuedBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(pingInterval, idleTimeout, maxQueuedBytes);
  }

  @Override
  public String toString() {
    return "SocketSettings[pingInterval=" + pingInterval + ", idleTimeout=" + idleTimeout
        + ", maxQueuedBytes=" + maxQueuedBytes + "]";
  }

  /**
   * Builds {@link SocketSettings}. Setters validate their argument at once; {@link #build()}
   * checks that the idle timeout is longer than the ping interval. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;

    private Builder() {}

    /**
     * How often to send a WebSocket ping to the other end, whose pongs keep a quiet connection from
     * being taken as dead by {@link #idleTimeout(Duration)}, at both ends. Default 15 seconds;
     * {@link Duration#ZERO} sends no pings.
     *
     * @param interval the time between pings, zero or positive
     * @return this builder
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = nonNegative(interval, "pingInterval");
      return this;
    }

    /**
     * How long a connection may stay silent (nothing read) before it is taken as dead and dropped
     * (see the class documentation). Must be longer than {@link #pingInterval(Duration)} when both
     * are on. Default 30 seconds; {@link Duration#ZERO} never drops a silent connection.
     *
     * @param timeout the longest silence, zero or positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = nonNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * The most bytes (UTF-8) that may wait to be written to one socket before the connection is
     * dropped (see the class documentation). Default 16 MiB; 0 for no limit.
     *
     * @param bytes the limit, zero or positive
     * @return this builder
     */
    public Builder maxQueuedBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxQueuedBytes < 0: " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    private static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " < 0: " + d);
      }
      return d;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     * @throws IllegalStateException if both the ping interval and the idle timeout are on and the
     *     idle timeout is not longer
     */
    public SocketSettings build() {
      if (!pingInterval.isZero() && !idleTimeout.isZero() && idleTimeout.compareTo(pingInterval) <= 0) {
        throw new IllegalStateException("idleTimeout (" + idleTimeout + ") must be longer than pingInterval ("
            + pingInterval + ")");
      }
      return new SocketSettings(this);
    }
  }
}
