package dev.duplexrpc.websocket.internal;

import jakarta.websocket.Session;

/**
 * What the library knows about one WebSocket connection below the Jakarta session: when bytes
 * were last read from it, and how to drop its socket at once. Created by the container glue (the
 * server's Grizzly filter, the client's guarded container) before the session opens and handed to
 * the endpoint's {@code onOpen} through {@link #opening()}; a session opened elsewhere (a foreign
 * container) gets a link that only the session's own handlers update.
 */
public final class Link {
  private static final ThreadLocal<Link> OPENING = new ThreadLocal<>();

  private volatile long lastReadNanos = System.nanoTime();
  private volatile Runnable abort;
  private volatile Session session;
  private volatile Thread reader; // the thread inside a read of this link, if any
  private java.util.List<Runnable> afterRead; // touched by the reading thread only

  /** A link with no way to drop its socket yet. */
  public Link() {}

  /**
   * Runs {@code open} (which opens the session, calling the endpoint's {@code onOpen} on this
   * thread) with this link visible to {@link #opening()}.
   *
   * @param open the action that opens the session
   * @param <T> its result
   * @return what {@code open} returned
   */
  public <T> T opening(java.util.function.Supplier<T> open) {
    Link previous = OPENING.get();
    OPENING.set(this);
    try {
      return open.get();
    } finally {
      if (previous == null) {
        OPENING.remove();
      } else {
        OPENING.set(previous);
      }
    }
  }

  /**
   * The link of the connection whose session is being opened on this thread, or null if the
   * container did not provide one.
   */
  public static Link opening() {
    return OPENING.get();
  }

  /** Notes that bytes arrived (any frame, or part of one). Called on the reading thread. */
  public void touch() {
    lastReadNanos = System.nanoTime();
  }

  /** {@link System#nanoTime()} when bytes last arrived (or when the link was made). */
  public long lastReadNanos() {
    return lastReadNanos;
  }

  /**
   * Sets how to drop the socket at once, without the closing handshake (it cannot complete on a
   * dead or stuck link).
   *
   * @param abort closes the TCP connection
   */
  public void abortWith(Runnable abort) {
    this.abort = abort;
  }

  /** Drops the socket at once if the container gave a way to; returns whether it did. */
  public boolean abort() {
    Runnable a = abort;
    if (a == null) {
      return false;
    }
    a.run();
    return true;
  }

  /** Called by the frame guard before it hands bytes to Tyrus, on the reading thread. */
  void beginRead() {
    reader = Thread.currentThread();
  }

  /** Called by the frame guard once Tyrus is done with the bytes: runs what was deferred. */
  void endRead() {
    reader = null;
    java.util.List<Runnable> actions = afterRead;
    afterRead = null;
    if (actions != null) {
      for (Runnable r : actions) {
        r.run();
      }
    }
  }

  /**
   * Runs {@code action} once the current read of this link is over, if this thread is reading it
   * (a message handler inside Tyrus's read); returns false, doing nothing, otherwise.
   *
   * @param action what to run after the read
   * @return whether it was deferred
   */
  public boolean afterRead(Runnable action) {
    if (reader != Thread.currentThread()) {
      return false;
    }
    if (afterRead == null) {
      afterRead = new java.util.ArrayList<>(1);
    }
    afterRead.add(action);
    return true;
  }

  /** Whether this thread is inside a read of this link (a message handler inside Tyrus's read). */
  public boolean readingHere() {
    return reader == Thread.currentThread();
  }

  /** The session on this link, once open. */
  public Session session() {
    return session;
  }

  /**
   * Records the session once open.
   *
   * @param session the session
   */
  public void session(Session session) {
    this.session = session;
  }
}
