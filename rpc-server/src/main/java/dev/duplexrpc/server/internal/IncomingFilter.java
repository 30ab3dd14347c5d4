package dev.duplexrpc.server.internal;

import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A transport that checks each incoming message before delivering it and closes the connection,
 * once, at the first message that fails the check; nothing after it is delivered. The base of the
 * limits put in front of a session's Peer or transport handler (message size, message rate).
 * Sending passes through unless a subclass says otherwise.
 */
public abstract class IncomingFilter implements Transport {
  private static final System.Logger LOG = System.getLogger(IncomingFilter.class.getName());

  /** Why a message closes the connection: the close code and reason, and how loudly to log it. */
  public record Refusal(int code, String reason, Level level) {}

  /** The transport filtered. */
  protected final Transport delegate;
  private volatile boolean refused;

  /**
   * Filters a transport.
   *
   * @param delegate the transport
   */
  protected IncomingFilter(Transport delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate == null");
  }

  /**
   * Checks one incoming message. Called on the thread that delivers messages, one at a time.
   *
   * @param message the message
   * @return null to deliver it, or why it closes the connection
   */
  protected abstract Refusal check(String message);

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    delegate.start(new Listener() {
      @Override
      public void onMessage(String message) {
        if (refused) {
          return;
        }
        Refusal r = check(message);
        if (r != null) {
          refused = true;
          LOG.log(r.level(), "Closing {0}: {1}", delegate, r.reason());
          delegate.close(r.code(), r.reason());
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

  @Override
  public String subprotocol() {
    return delegate.subprotocol();
  }

  @Override
  public long queuedBytes() {
    return delegate.queuedBytes();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return delegate.remoteAddress();
  }

  @Override
  public InetSocketAddress serverAddress() {
    return delegate.serverAddress();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
