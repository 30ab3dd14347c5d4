package dev.duplexrpc.client.internal;

import dev.duplexrpc.core.transport.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport} over one open Jakarta WebSocket {@link Session}, used by the server and the
 * client alike.
 *
 * <ul>
 *   <li>Each text message is one JSON-RPC message; a binary message closes the session with 1003.
 *   <li>Sends use the session's asynchronous remote, so no caller ever blocks on the socket; a
 *       failed send completes the returned stage exceptionally.
 *   <li>Messages received before {@link #start} are kept and delivered, in order, when it is
 *       called.
 *   <li>The owning {@code Endpoint} forwards its {@code onClose} to {@link #closed}; the listener
 *       hears about the close exactly once.
 * </ul>
 */
public final class SessionTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(SessionTransport.class.getName());

  /** The longest close reason a close frame can carry, in UTF-8 bytes (RFC 6455, 5.5). */
  private static final int MAX_REASON_BYTES = 123;

  private final Session session;
  private final String name;
  private final FrameTap tap;
  private final Object lock = new Object();
  private Listener listener; // guarded by lock
  private boolean held; // guarded by lock: deliver nothing until release()
  private List<String> early = new ArrayList<>(); // guarded by lock; null once started
  private int earlyCloseCode = -1; // guarded by lock
  private String earlyCloseReason; // guarded by lock
  private final AtomicBoolean closeSeen = new AtomicBoolean();
  private volatile Runnable beforeClose;

  /** Receives every text frame sent or received, for logging. */
  @FunctionalInterface
  public interface FrameTap {
    /**
     * One frame.
     *
     * @param text the message text
     * @param outgoing true for a sent frame, false for a received one
     */
    void onFrame(String text, boolean outgoing);
  }

  private SessionTransport(Session session, String name, FrameTap tap) {
    this.session = session;
    this.name = name;
    this.tap = tap;
  }

  /**
   * Binds a transport to an open session: sets the session's text buffer to {@code
   * maxMessageChars} and registers the text and binary handlers. Call from {@code
   * Endpoint.onOpen}.
   *
   * @param session the open session
   * @param maxMessageChars the library's message size limit, in characters
   * @param name a short name for logs
   * @param tap a frame tap, or null
   * @return the transport, not yet started
   */
  public static SessionTransport attach(Session session, int maxMessageChars, String name, FrameTap tap) {
    Objects.requireNonNull(session, "session == null");
    SessionTransport t = new SessionTransport(session, name, tap);
    // Whole messages longer than this close with 1009 in the container itself. The Peer checks the
    // same limit again, for containers that do not enforce it on unfragmented messages.
    session.setMaxTextMessageBufferSize(maxMessageChars);
    session.setMaxBinaryMessageBufferSize(Math.min(maxMessageChars, 1 << 16));
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) t::received);
    session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) t::binary);
    return t;
  }

  /**
   * Keeps received messages buffered, even after {@link #start}, until {@link #release()}: lets
   * the owner finish its own setup after building the Peer and before the first message runs.
   */
  public void hold() {
    synchronized (lock) {
      if (early == null) {
        throw new IllegalStateException("already delivering");
      }
      held = true;
    }
  }

  /** Ends {@link #hold()}: delivers what was buffered, then every message as it comes. */
  public void release() {
    synchronized (lock) {
      held = false;
      if (listener != null && early != null) {
        drain();
      }
    }
  }

  /**
   * Runs {@code action} when the close is known, before the listener hears of it (so, for example,
   * a registry drops the connection before anyone sees it closed).
   *
   * @param action the action
   */
  public void beforeClose(Runnable action) {
    this.beforeClose = action;
  }

  /** The session this transport runs on. */
  public Session session() {
    return session;
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    synchronized (lock) {
      if (this.listener != null) {
        throw new IllegalStateException("transport already started");
      }
      this.listener = listener;
      if (!held) {
        drain();
      }
    }
  }

  private void drain() { // holding lock
    List<String> pending = early;
    early = null;
    for (String m : pending) {
      listener.onMessage(m);
    }
    if (earlyCloseCode >= 0) {
      listener.onClose(earlyCloseCode, earlyCloseReason);
    }
  }

  private void received(String text) {
    if (tap != null) {
      tap.onFrame(text, false);
    }
    synchronized (lock) {
      if (early != null) {
        early.add(text);
      } else {
        listener.onMessage(text);
      }
    }
  }

  private void binary(ByteBuffer data) {
    LOG.log(Level.INFO, "Closing {0}: a binary message of {1} bytes arrived", name, data.remaining());
    close(CloseReason.CloseCodes.CANNOT_ACCEPT.getCode(), "binary messages are not supported");
  }

  /** A message waiting in the outbox, with the stage its sender was given. */
  private record Outgoing(String text, CompletableFuture<Void> sent) {}

  /**
   * Messages on their way into the session. Handler threads finishing at once used to queue on
   * Tyrus's per-connection send lock; now whichever sender finds the outbox empty writes, in
   * order, everything queued meanwhile, and the others return at once.
   */
  private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outboxSize = new AtomicInteger();

  @Override
  public CompletionStage<Void> send(String message) {
    Objects.requireNonNull(message, "message == null");
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (!session.isOpen()) {
      sent.completeExceptionally(new IOException("WebSocket session " + name + " is closed"));
      return sent;
    }
    if (tap != null) {
      tap.onFrame(message, true);
    }
    outbox.add(new Outgoing(message, sent));
    if (outboxSize.getAndIncrement() == 0) {
      do {
        Outgoing o = outbox.poll();
        write(o.text(), o.sent());
      } while (outboxSize.decrementAndGet() != 0);
    }
    return sent;
  }

  private void write(String message, CompletableFuture<Void> sent) {
    try {
      session.getAsyncRemote().sendText(message, result -> {
        if (result.isOK()) {
          sent.complete(null);
        } else {
          Throwable e = result.getException();
          sent.completeExceptionally(e != null ? e : new IOException("send failed"));
        }
      });
    } catch (RuntimeException e) { // IllegalStateException once the session closed under us
      sent.completeExceptionally(e);
    }
  }

  @Override
  public void close(int code, String reason) {
    if (!session.isOpen()) {
      return;
    }
    try {
      session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason)));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Close of {0} failed: {1}", name, e);
      closed(1006, "close failed: " + e);
    }
  }

  /**
   * Called by the owning endpoint's {@code onClose} (and on failures): tells the listener, once.
   *
   * @param code the close code
   * @param reason the close reason
   */
  public void closed(int code, String reason) {
    if (!closeSeen.compareAndSet(false, true)) {
      return;
    }
    String r = reason == null ? "" : reason;
    Runnable before = beforeClose;
    if (before != null) {
      before.run();
    }
    synchronized (lock) {
      if (early != null) {
        earlyCloseCode = code;
        earlyCloseReason = r;
      } else {
        listener.onClose(code, r);
      }
    }
  }

  /** Shortens a close reason to what a close frame can carry. */
  public static String truncate(String reason) {
    if (reason == null) {
      return "";
    }
    byte[] b = reason.getBytes(StandardCharsets.UTF_8);
    if (b.length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = reason.length();
    while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
      end--;
    }
    if (end > 0 && Character.isHighSurrogate(reason.charAt(end - 1))) {
      end--;
    }
    return reason.substring(0, end);
  }

  @Override
  public String toString() {
    return name;
  }
}
