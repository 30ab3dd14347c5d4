package dev.duplexrpc.core.internal.resume;

import dev.duplexrpc.core.transport.Transport;
import java.util.ArrayDeque;
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
  private final Object delivery = new Object();
  private ArrayDeque<String> held; // guarded by delivery: messages kept while the next owner is made
  private boolean closeHeld; // guarded by delivery
  private int closeCode; // guarded by delivery
  private String closeReason; // guarded by delivery

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
      public long queuedBytes() {
        return link.queuedBytes();
      }

      @Override
      public java.net.InetSocketAddress remoteAddress() {
        return link.remoteAddress();
      }

      @Override
      public java.net.InetSocketAddress serverAddress() {
        return link.serverAddress();
      }

      @Override
      public String toString() {
        return link.toString();
      }
    };
  }

  /**
   * Keeps the messages (and the close) that arrive from now on until {@link #release()}: the link's
   * next owner is being made on another thread (user code never runs on the socket's thread).
   */
  public void hold() {
    hold(null);
  }

  /** Like {@link #hold()}, with {@code first} (if not null) delivered before what is kept. */
  public void hold(String first) {
    synchronized (delivery) {
      if (held == null) {
        held = new ArrayDeque<>();
      }
      if (first != null) {
        held.addFirst(first);
      }
    }
  }

  /** Delivers what {@link #hold()} kept to the current target, in order, then every message as it comes. */
  public void release() {
    synchronized (delivery) {
      if (held == null) {
        return;
      }
      for (String m; (m = held.poll()) != null; ) {
        target.onMessage(m);
      }
      held = null;
      if (closeHeld) {
        closeHeld = false;
        target.onClose(closeCode, closeReason);
      }
    }
  }

  @Override
  public void onMessage(String message) {
    synchronized (delivery) { // one at a time, also against a release on another thread
      if (held != null) {
        held.add(message);
        return;
      }
      target.onMessage(message);
    }
  }

  @Override
  public void onClose(int code, String reason) {
    synchronized (delivery) {
      if (held != null) {
        closeHeld = true;
        closeCode = code;
        closeReason = reason;
        return;
      }
      target.onClose(code, reason);
    }
  }

  @Override
  public String toString() {
    return link.toString();
  }
}
