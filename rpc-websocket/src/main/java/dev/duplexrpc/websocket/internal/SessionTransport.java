package dev.duplexrpc.websocket.internal;

import dev.duplexrpc.core.internal.EventCounters;
import dev.duplexrpc.core.internal.Utf8;
import dev.duplexrpc.core.transport.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
 *   <li>An optional {@link #heartbeat heartbeat} pings the other end and drops the connection
 *       (close code 1006 locally) when nothing has been read for the idle timeout.
 * </ul>
 */
public final class SessionTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(SessionTransport.class.getName());

  /** The longest close reason a close frame can carry, in UTF-8 bytes (RFC 6455, 5.5). */
  private static final int MAX_REASON_BYTES = 123;

  /** The session user property Apache Tomcat takes its close-handshake timeout from (a Long, ms). */
  private static final String TOMCAT_SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

  /** Set while this thread is inside one of the session's message handlers. */
  private static final ThreadLocal<Boolean> IN_HANDLER = new ThreadLocal<>();

  private final Session session;
  private final Link link;
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
  private volatile Heartbeat heartbeat;
  private final SessionOutbox outbox;
  private volatile InetSocketAddress remoteAddress;
  private volatile InetSocketAddress serverAddress;
  private volatile long maxQueuedBytes;

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

  private SessionTransport(Session session, Link link, String name, FrameTap tap) {
    this.session = session;
    this.link = link;
    this.name = name;
    this.tap = tap;
    this.outbox = new SessionOutbox(session);
  }

  /**
   * Binds a transport to an open session: sets the session's text buffer to {@code
   * maxMessageChars} and registers the text, binary and pong handlers. Call from {@code
   * Endpoint.onOpen}: the transport takes the {@link Link#opening() link} the container glue
   * prepared for this connection, or makes one that only this session's handlers update.
   *
   * @param session the open session
   * @param maxMessageChars the library's message size limit, in characters
   * @param name a short name for logs
   * @param tap a frame tap, or null
   * @return the transport, not yet started
   */
  public static SessionTransport attach(Session session, int maxMessageChars, String name, FrameTap tap) {
    Objects.requireNonNull(session, "session == null");
    Link link = Link.opening();
    if (link == null) {
      link = new Link();
    }
    link.session(session);
    SessionTransport t = new SessionTransport(session, link, name, tap);
    Link l = link;
    // The buffers are set above the library's limit, so Tyrus never refuses a message itself: its
    // server engine keeps every session it refused that way (a leak). The frame guard in front of
    // Tyrus closes a frame or fragmented message over 3 x the limit in bytes with 1009, and the
    // Peer closes a message over the limit in characters with 1009, so no message over the limit
    // is handled either way; in another container, the Peer's check alone does it.
    int buffer = (int) Limits.maxFramePayload(maxMessageChars);
    session.setMaxTextMessageBufferSize(buffer);
    session.setMaxBinaryMessageBufferSize(buffer);
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) t::received);
    session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) t::binary);
    session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> l.touch());
    return t;
  }

  /**
   * Starts pinging the other end every {@code pingInterval} and dropping the connection when
   * nothing has been read for {@code idleTimeout}; stops by itself at the close.
   *
   * @param pingInterval time between pings, zero for none
   * @param idleTimeout silence after which the connection is dropped, zero for never
   */
  public void heartbeat(Duration pingInterval, Duration idleTimeout) {
    Heartbeat h = Heartbeat.start(this, link, pingInterval, idleTimeout);
    heartbeat = h;
    if (h != null && closeSeen.get()) {
      h.stop();
    }
  }

  /** The link under this transport's session. */
  public Link link() {
    return link;
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
  public String subprotocol() {
    String agreed = session.getNegotiatedSubprotocol();
    return agreed == null ? "" : agreed;
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
    link.touch();
    if (tap != null) {
      tap.onFrame(text, false);
    }
    IN_HANDLER.set(Boolean.TRUE);
    try {
      synchronized (lock) {
        if (early != null) {
          early.add(text);
        } else {
          listener.onMessage(text);
        }
      }
    } finally {
      IN_HANDLER.remove();
    }
  }

  private void binary(ByteBuffer data) {
    LOG.log(Level.INFO, "Closing {0}: a binary message of {1} bytes arrived", name,
        String.valueOf(data.remaining()));
    IN_HANDLER.set(Boolean.TRUE);
    try {
      close(CloseReason.CloseCodes.CANNOT_ACCEPT.getCode(), "binary messages are not supported");
    } finally {
      IN_HANDLER.remove();
    }
  }

  @Override
  public CompletionStage<Void> send(String message) {
    Objects.requireNonNull(message, "message == null");
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (!session.isOpen()) {
      sent.completeExceptionally(new IOException("WebSocket session " + name + " is closed"));
      return sent;
    }
    long bytes = Utf8.length(message);
    long queued = outbox.reserve(bytes);
    if (maxQueuedBytes > 0 && queued > maxQueuedBytes && queued > bytes) {
      // Past the limit with something else still unsent: the other end is not reading.
      outbox.unreserve(bytes);
      String reason = "send queue over " + maxQueuedBytes + " bytes: the other end is not reading";
      LOG.log(Level.WARNING, "Dropping {0}: {1}", name, reason);
      EventCounters.SLOW_READERS.increment();
      sent.completeExceptionally(new IOException(reason));
      drop(1001, reason);
      return sent;
    }
    if (tap != null) {
      tap.onFrame(message, true);
    }
    outbox.add(message, sent, bytes);
    return sent;
  }

  /**
   * Sets the most bytes that may wait to be written to the socket (sent but not yet on the wire);
   * past it, with something already waiting, the connection is dropped (close code 1001 locally,
   * the reason naming the queue) rather than let the heap grow. A single message larger than the
   * limit still goes out when nothing else waits. Zero for no limit.
   *
   * @param bytes the limit in bytes of UTF-8, zero for none
   */
  public void maxQueuedBytes(long bytes) {
    this.maxQueuedBytes = bytes;
  }

  /**
   * Sets what the binding knows of the addresses: the other end's socket address and the host
   * and port the client used to reach the server; either may be null.
   */
  public void addresses(InetSocketAddress remote, InetSocketAddress server) {
    this.remoteAddress = remote;
    this.serverAddress = server;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  @Override
  public InetSocketAddress serverAddress() {
    return serverAddress;
  }

  /**
   * The host and port of a {@code Host} header or a URI authority, unresolved: {@code
   * example.com:8443}, {@code [::1]:80}; port 0 when the text has none, null for no text.
   */
  public static InetSocketAddress hostAndPort(String host, int defaultPort) {
    if (host == null || host.isBlank()) {
      return null;
    }
    String h = host.trim();
    int port = defaultPort;
    int colon = h.lastIndexOf(':');
    if (colon > h.lastIndexOf(']')) { // a port after the host (or after an IPv6 literal)
      try {
        port = Integer.parseInt(h.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = defaultPort;
      }
      h = h.substring(0, colon);
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return InetSocketAddress.createUnresolved(h, port >= 0 && port <= 65535 ? port : 0);
  }

  /** Bytes handed to the socket and not yet written. */
  @Override
  public long queuedBytes() {
    return outbox.queuedBytes();
  }

  /**
   * Closes locally with {@code code} and {@code reason} at once, then drops the socket without a
   * closing handshake (one could not get through a stuck link).
   */
  private void drop(int code, String reason) {
    closed(code, reason);
    if (!link.abort()) {
      // A session in a container the library has no glue for (RpcEndpoint deployed elsewhere): the
      // Jakarta API has no way to drop a socket. An idle timeout of 1 ms makes the container expire
      // the connection, socket and all, at once, also when the close frame below cannot get through
      // (a container waits for the answering close frame until its idle timeout, 30 s in Jetty).
      // 1006 may not be sent in a close frame (RFC 6455, 7.4.1; Jetty refuses to), so the other end
      // is told 1001 (going away).
      try {
        session.setMaxIdleTimeout(1);
        // Tomcat waits this long for the answering close frame (30 s by default), then drops.
        session.getUserProperties().put(TOMCAT_SESSION_CLOSE_TIMEOUT, 1L);
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "Idle timeout of {0} not set: {1}", name, e);
      }
      int sent = code == CloseReason.CloseCodes.CLOSED_ABNORMALLY.getCode()
          ? CloseReason.CloseCodes.GOING_AWAY.getCode()
          : code;
      try {
        session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(sent), truncate(reason)));
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.DEBUG, "Close of {0} failed: {1}", name, e);
      }
    }
  }

  @Override
  public void close(int code, String reason) {
    if (!session.isOpen()) {
      return;
    }
    if (IN_HANDLER.get() != null) {
      // Closing from inside Tyrus's message handler (the Peer refusing a message it was just
      // given): Tyrus, going on after the handler, can trip over the closed session and then
      // keep it in its server engine for good. Close once Tyrus is done with the bytes: right
      // after the read when the frame guard reads this link, else from another thread.
      if (link.afterRead(() -> close(code, reason))) {
        return;
      }
      try {
        Background.executor().execute(() -> close(code, reason));
        return;
      } catch (RejectedExecutionException e) {
        // fall through: close here
      }
    }
    try {
      session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason)));
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Close of {0} failed: {1}", name, e);
      closed(1006, "close failed: " + e);
    }
  }

  /**
   * Gives up on a connection that is dead or stuck: the listener hears 1006 (abnormal closure)
   * with {@code reason} at once, then the socket is dropped without waiting for a closing
   * handshake (a close frame is attempted when the container gave no way to drop the socket).
   *
   * @param reason why, for the close reason the listener and pending calls see
   */
  public void expire(String reason) {
    drop(1006, reason);
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
    Heartbeat h = heartbeat;
    if (h != null) {
      h.stop();
    }
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
