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
 * frame) has been read for {@code idleTimeout}. Both run as one task on the shared {@link
 * Background#scheduler()}, scheduled for whichever comes first, the next ping or the deadline: a
 * connection costs one scheduled task, no thread (an idle connection's memory is mostly such
 * small objects).
 *
 * <p>The deadline is not moved on every read (that would cost a scheduler operation per frame):
 * when the task runs, it compares the time of the last read with now and either expires the
 * connection or schedules itself for what comes next.
 */
final class Heartbeat implements Runnable {
  private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());
  private static final byte[] PAYLOAD = {'h', 'b'};

  private final SessionTransport transport;
  private final Link link;
  private final long pingNanos;
  private final long idleNanos;
  private long nextPingNanos; // the System.nanoTime() of the next ping; touched by the task only
  private ScheduledFuture<?> task; // guarded by this
  private boolean stopped; // guarded by this

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
    long now = System.nanoTime();
    h.nextPingNanos = now + h.pingNanos;
    h.schedule(now);
    return h;
  }

  /** The task: expires the connection, or pings when due; then schedules itself again. */
  @Override
  public void run() {
    long now = System.nanoTime();
    if (idleNanos > 0 && now - link.lastReadNanos() >= idleNanos) {
      stop();
      String reason = "heartbeat: nothing received for " + Duration.ofNanos(idleNanos).toMillis() + " ms";
      LOG.log(Level.INFO, "Dropping {0}: {1}", transport, reason);
      EventCounters.HEARTBEAT_DROPS.increment();
      transport.expire(reason);
      return;
    }
    if (pingNanos > 0 && now - nextPingNanos >= 0) {
      ping();
      nextPingNanos = now + pingNanos; // a fixed delay between pings
    }
    schedule(now);
  }

  /** Schedules the task for the next ping or the deadline, whichever comes first. */
  private void schedule(long now) {
    long delay = Long.MAX_VALUE;
    if (pingNanos > 0) {
      delay = nextPingNanos - now;
    }
    if (idleNanos > 0) {
      delay = Math.min(delay, link.lastReadNanos() + idleNanos - now);
    }
    synchronized (this) {
      if (!stopped) {
        task = Background.scheduler().schedule(this, Math.max(0, delay), TimeUnit.NANOSECONDS);
      }
    }
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

  /** Cancels the task; idempotent. */
  synchronized void stop() {
    stopped = true;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }
}
