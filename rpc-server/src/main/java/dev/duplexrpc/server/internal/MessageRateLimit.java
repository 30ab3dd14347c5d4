package dev.duplexrpc.server.internal;

import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;

/**
 * A transport that lets at most {@code perSecond} incoming messages through per second (a token
 * bucket holding up to {@code perSecond}, refilled continuously) and closes the connection with
 * 1008 (policy violation) at the first message beyond: a flood is not handled, queued or answered.
 * Sending is untouched.
 */
public final class MessageRateLimit extends IncomingFilter {
  /** The close code of a connection past the limit: 1008, policy violation. */
  public static final int CLOSE_CODE = 1008;

  private final int perSecond;
  private double tokens; // guarded by this
  private long last = System.nanoTime();

  /**
   * Wraps a transport.
   *
   * @param delegate the transport
   * @param perSecond the most messages per second, positive
   */
  public MessageRateLimit(Transport delegate, int perSecond) {
    super(delegate);
    if (perSecond <= 0) {
      throw new IllegalArgumentException("perSecond <= 0: " + perSecond);
    }
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  @Override
  protected synchronized Refusal check(String message) { // one thread at a time; the lock publishes the bucket
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
    last = now;
    if (tokens < 1) {
      return new Refusal(CLOSE_CODE, "message rate over " + perSecond + " per second", Level.INFO);
    }
    tokens -= 1;
    return null;
  }
}
