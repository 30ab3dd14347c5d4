package dev.duplexrpc.server;

import dev.duplexrpc.core.transport.Transport;
import dev.duplexrpc.server.internal.IncomingFilter;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link TransportHandler} is given: the session's transport with the message size limit
 * the Peer would otherwise enforce. An incoming message over the limit closes the connection with
 * 1009 and is not delivered; an outgoing one fails its send.
 */
final class LimitedTransport extends IncomingFilter {
  private final int maxMessageSize;

  LimitedTransport(Transport transport, int maxMessageSize) {
    super(transport);
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  protected Refusal check(String message) {
    return message.length() <= maxMessageSize
        ? null
        : new Refusal(1009, "Message too big: " + message.length() + " > " + maxMessageSize, Level.WARNING);
  }

  @Override
  public CompletionStage<Void> send(String message) {
    Objects.requireNonNull(message, "message == null");
    if (message.length() > maxMessageSize) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "Message too big: " + message.length() + " > " + maxMessageSize + " (maxMessageSize)"));
    }
    return delegate.send(message);
  }
}
