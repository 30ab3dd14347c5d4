package dev.duplexrpc.server.internal;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The WebSocket sessions of one endpoint whose closing handshake has not finished, so that
 * whoever stops the container can wait for the clients' close replies instead of for a fixed time.
 *
 * <p>Two signals, because containers differ on when {@code Endpoint.onClose} fires: Jetty calls it
 * when the closing handshake completes, Tomcat (11) and Tyrus as soon as their own close frame is
 * written, before the client has answered. So a session counts as open from {@code onOpen} to
 * {@code onClose}, and, once the endpoint is stopping, as closing after that until the container
 * says it is done with it (Tomcat's {@code WsSession.isClosed()}: the answering close frame, or its
 * session close timeout, ended the connection). The Jakarta API has no callback for that moment,
 * so the wait polls it every few milliseconds, within its bound.
 */
public final class OpenSessions {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Set<Session> open = new HashSet<>();
  private final Set<Session> closing = new HashSet<>();
  private boolean stopping;

  /** A session opened (the container's {@code onOpen}). */
  public synchronized void opened(Session session) {
    open.add(session);
  }

  /** The container's {@code onClose} for a session. */
  public synchronized void closed(Session session) {
    if (open.remove(session)) {
      if (stopping) {
        closing.add(session);
      }
      if (open.isEmpty()) {
        notifyAll();
      }
    }
  }

  /** The endpoint is closing every session: from now on, track their closing handshakes. */
  public synchronized void stopping() {
    stopping = true;
  }

  /**
   * Waits up to {@code timeoutMillis} until every session has finished its closing handshake.
   *
   * @return true if none is left open or closing
   */
  public boolean awaitNone(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (this) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    while (true) {
      synchronized (this) {
        forgetGone();
        if (closing.isEmpty()) {
          return true;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, POLL_NANOS));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** Drops the closing sessions the container has finished with. */
  private void forgetGone() {
    closing.removeIf(OpenSessions::finished);
  }

  /**
   * Whether the container is done with a session whose {@code onClose} has run. Tomcat's session
   * has a public {@code isClosed()} that turns true when the answering close frame (or Tomcat's
   * session close timeout) ends the connection; elsewhere {@code onClose} already was the end.
   */
  private static boolean finished(Session session) {
    Method isClosed = IS_CLOSED.get(session.getClass());
    if (isClosed == null) {
      return true;
    }
    try {
      return (Boolean) isClosed.invoke(session);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }

  /** A session class's public {@code boolean isClosed()}, or null. */
  private static final ClassValue<Method> IS_CLOSED = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      try {
        Method m = type.getMethod("isClosed");
        return m.getReturnType() == boolean.class
            && Modifier.isPublic(m.getDeclaringClass().getModifiers()) ? m : null;
      } catch (NoSuchMethodException | RuntimeException e) {
        return null;
      }
    }
  };
}
