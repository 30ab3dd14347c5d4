package dev.duplexrpc.core.internal.resume;

import dev.duplexrpc.core.transport.Transport;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * One started socket (a link) whose received messages go to a listener that can be changed: first
 * the session handshake reads the {@code rpc.session} message, then it hands the link over to a
 * {@link SequencedTransport}. The change happens on the link's own thread, inside the handshake's
 * {@code onMessage}, so no message is lost or reordered.
 */
public final class Handover implements Transport.Listener {
  private final Transport link;
  private volatile Transport.Listener target;

  /**
   * A handover of {@code link}, not yet started.
   *
   * @param link a transport not yet started
   */
  public Handover(Transport link) {
    this.link = Objects.requireNonNull(link, "link == null");
  }

  /**
   * Starts the link, delivering to {@code first} until {@link #to} changes it.
   *
   * @param first the handshake's listener
   * @return this handover
   */
  public Handover start(Transport.Listener first) {
    this.target = Objects.requireNonNull(first, "first == null");
    link.start(this);
    return this;
  }

  /** The link. */
  public Transport link() {
    return link;
  }

  /** Delivers the next messages, and the close, to {@code next}. */
  public void to(Transport.Listener next) {
    this.target = Objects.requireNonNull(next, "next == null");
  }

  /**
   * The link as a plain transport whose {@code start} takes the handover: for a connection that
   * turns out not to use a session (its Peer runs on the socket directly).
   */
  public Transport asTransport() {
    return new Transport() {
      @Override
      public void start(Transport.Listener listener) {
        to(listener);
      }

      @Override
      public CompletionStage<Void> send(String message) {
        return link.send(message);
      }

      @Override
      public void close(int code, String reason) {
        link.close(code, reason);
      }

      @Override
      public String subprotocol() {
        return link.subprotocol();
      }

      @Override
      public String toString() {
        return link.toString();
      }
    };
  }

  @Override
  public void onMessage(String message) {
    target.onMessage(message);
  }

  @Override
  public void onClose(int code, String reason) {
    target.onClose(code, reason);
  }

  @Override
  public String toString() {
    return link.toString();
  }
}
