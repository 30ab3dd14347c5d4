package dev.duplexrpc.server;

import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link TransportHandler} is given: the session's transport with the message size limit
 * the Peer would otherwise enforce. An incoming message over the limit closes the connection with
 * 1009 and is not delivered; an outgoing one fails its send.
 */
final class LimitedTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(LimitedTransport.class.getName());

  private final Transport transport;
  private final int maxMessageSize;
  private volatile boolean refused;

  LimitedTransport(Transport transport, int maxMessageSize) {
    this.transport = transport;
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    transport.start(new Listener() {
      @Override
      public void onMessage(String message) {
        if (refused) {
          return;
        }
        if (message.length() > maxMessageSize) {
          refused = true;
          String reason = "Message too big: " + message.length() + " > " + maxMessageSize;
          LOG.log(Level.WARNING, "Closing {0}: {1}", transport, reason);
          transport.close(1009, reason);
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
    Objects.requireNonNull(message, "message == null");
    if (message.length() > maxMessageSize) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "Message too big: " + message.length() + " > " + maxMessageSize + " (maxMessageSize)"));
    }
    return transport.send(message);
  }

  @Override
  public void close(int code, String reason) {
    transport.close(code, reason);
  }

  @Override
  public String toString() {
    return transport.toString();
  }
}
