package dev.duplexrpc.server.internal;

import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A transport that lets at most {@code perSecond} incoming messages through per second (a token
 * bucket holding up to {@code perSecond}, refilled continuously) and closes the connection with
 * 1008 (policy violation) at the first message beyond: a flood is not handled, queued or answered.
 * Sending is untouched.
 */
public final class MessageRateLimit implements Transport {
  private static final System.Logger LOG = System.getLogger(MessageRateLimit.class.getName());
  /** The close code of a connection past the limit: 1008, policy violation. */
  public static final int CLOSE_CODE = 1008;

  private final Transport delegate;
  private final int perSecond;
  private final String name;
  private double tokens; // read and written on the one thread that delivers messages
  private long last = System.nanoTime();
  private volatile boolean over;

  /**
   * Wraps a transport.
   *
   * @param delegate the transport
   * @param perSecond the most messages per second, positive
   * @param name a short name for logs
   */
  public MessageRateLimit(Transport delegate, int perSecond, String name) {
    this.delegate = Objects.requireNonNull(delegate, "delegate == null");
    if (perSecond <= 0) {
      throw new IllegalArgumentException("perSecond <= 0: " + perSecond);
    }
    this.perSecond = perSecond;
    this.name = name;
    this.tokens = perSecond;
  }

  @Override
  public void start(Listener listener) {
    delegate.start(new Listener() {
      @Override
      public void onMessage(String message) {
        if (over) {
          return;
        }
        synchronized (MessageRateLimit.this) {
          long now = System.nanoTime();
          tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
          last = now;
          if (tokens < 1) {
            over = true;
          } else {
            tokens -= 1;
          }
        }
        if (over) {
          LOG.log(Level.INFO, "Closing {0}: more than {1} messages per second", name, String.valueOf(perSecond));
          delegate.close(CLOSE_CODE, "message rate over " + perSecond + " per second");
          return;
        }
        listener.onMessage(message);
      }

      @Override
      public void onClose(int code, String reason) {
        listener.onClose(code, reason);
      }
    });
  }

  @Override
  public CompletionStage<Void> send(String message) {
    return delegate.send(message);
  }

  @Override
  public void close(int code, String reason) {
    delegate.close(code, reason);
  }
}
