package dev.duplexrpc.websocket.internal;

import dev.duplexrpc.core.internal.EventCounters;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one connection's liveness in check: a WebSocket ping every {@code pingInterval}, and a
 * deadline that drops the connection when nothing at all (a message, a pong, a ping, part of a
 * frame) has been read for {@code idleTimeout}. Both run on the shared {@link
 * Background#scheduler()}; a connection costs two scheduled tasks, no thread.
 *
 * <p>The deadline is not moved on every read (that would cost a scheduler operation per frame):
 * when it fires, it compares the time of the last read with now and either expires the
 * connection or re-arms itself for the remaining time.
 */
final class Heartbeat {
  private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());
  private static final byte[] PAYLOAD = {'h', 'b'};

  private final SessionTransport transport;
  private final Link link;
  private final long pingNanos;
  private final long idleNanos;
  private final Object lock = new Object();
  private ScheduledFuture<?> pinger; // guarded by lock
  private ScheduledFuture<?> deadline; // guarded by lock
  private boolean stopped; // guarded by lock

  private Heartbeat(SessionTransport transport, Link link, Duration pingInterval, Duration idleTimeout) {
    this.transport = transport;
    this.link = link;
    this.pingNanos = pingInterval.toNanos();
    this.idleNanos = idleTimeout.toNanos();
  }

  /**
   * Starts the heartbeat of a connection.
   *
   * @param transport the connection's transport, expired when the deadline passes
   * @param link the connection's link, whose last read time is watched
   * @param pingInterval time between pings, zero for none
   * @param idleTimeout silence after which the connection is dropped, zero for never
   * @return the heartbeat, or null if both are zero
   */
  static Heartbeat start(SessionTransport transport, Link link, Duration pingInterval, Duration idleTimeout) {
    if (pingInterval.isZero() && idleTimeout.isZero()) {
      return null;
    }
    Heartbeat h = new Heartbeat(transport, link, pingInterval, idleTimeout);
    synchronized (h.lock) {
      if (h.pingNanos > 0) {
        h.pinger = Background.scheduler()
            .scheduleWithFixedDelay(h::ping, h.pingNanos, h.pingNanos, TimeUnit.NANOSECONDS);
      }
      if (h.idleNanos > 0) {
        h.deadline = Background.scheduler().schedule(h::check, h.idleNanos, TimeUnit.NANOSECONDS);
      }
    }
    return h;
  }

  private void ping() {
    Session s = link.session();
    if (s == null || !s.isOpen()) {
      return;
    }
    try {
      s.getAsyncRemote().sendPing(ByteBuffer.wrap(PAYLOAD));
    } catch (IOException | RuntimeException e) { // closed under us
      LOG.log(Level.DEBUG, "Ping on {0} not sent: {1}", transport, e);
    }
  }

  private void check() {
    long idle = System.nanoTime() - link.lastReadNanos();
    if (idle < idleNanos) {
      synchronized (lock) {
        if (!stopped) {
          deadline = Background.scheduler().schedule(this::check, idleNanos - idle, TimeUnit.NANOSECONDS);
        }
      }
      return;
    }
    stop();
    String reason = "heartbeat: nothing received for " + Duration.ofNanos(idleNanos).toMillis() + " ms";
    LOG.log(Level.INFO, "Dropping {0}: {1}", transport, reason);
    EventCounters.HEARTBEAT_DROPS.increment();
    transport.expire(reason);
  }

  /** Cancels both tasks; idempotent. */
  void stop() {
    synchronized (lock) {
      stopped = true;
      if (pinger != null) {
        pinger.cancel(false);
      }
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }
}
