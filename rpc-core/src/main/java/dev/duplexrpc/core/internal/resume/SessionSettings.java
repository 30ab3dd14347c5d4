package dev.duplexrpc.core.internal.resume;

import java.time.Duration;
import java.util.Objects;

/**
 * The sequence layer's settings, read from the bindings' configuration: docs/resume.md.
 *
 * @param bufferBytes the most UTF-8 bytes of sent, unacknowledged messages kept for a replay
 * @param sendWait how long a send waits for room in a full buffer before it fails with {@link
 *     dev.duplexrpc.core.ErrorCodes#REPLAY_BUFFER_FULL}
 * @param ackEvery acknowledge at once after this many received messages
 * @param ackInterval acknowledge what was received at most this long after it arrived
 */
public record SessionSettings(long bufferBytes, Duration sendWait, int ackEvery, Duration ackInterval) {

  /** The default buffer: {@value} bytes (1 MiB; SignalR's is 100,000 bytes). */
  public static final long DEFAULT_BUFFER_BYTES = 1L << 20;

  /** The default wait of a send for room in a full buffer: 10 seconds. */
  public static final Duration DEFAULT_SEND_WAIT = Duration.ofSeconds(10);

  /** The default count of received messages after which an acknowledgement goes at once. */
  public static final int DEFAULT_ACK_EVERY = 64;

  /** The default delay of a coalesced acknowledgement: 1 second (SignalR's JavaScript client's). */
  public static final Duration DEFAULT_ACK_INTERVAL = Duration.ofSeconds(1);

  /** The defaults. */
  public static final SessionSettings DEFAULTS =
      new SessionSettings(DEFAULT_BUFFER_BYTES, DEFAULT_SEND_WAIT, DEFAULT_ACK_EVERY, DEFAULT_ACK_INTERVAL);

  /** Checks the values. */
  public SessionSettings {
    if (bufferBytes < 1) {
      throw new IllegalArgumentException("bufferBytes < 1: " + bufferBytes);
    }
    Objects.requireNonNull(sendWait, "sendWait == null");
    Objects.requireNonNull(ackInterval, "ackInterval == null");
    if (sendWait.isNegative() || ackInterval.isNegative() || ackInterval.isZero()) {
      throw new IllegalArgumentException("sendWait must be >= 0 and ackInterval > 0");
    }
    if (ackEvery < 1) {
      throw new IllegalArgumentException("ackEvery < 1: " + ackEvery);
    }
  }
}
