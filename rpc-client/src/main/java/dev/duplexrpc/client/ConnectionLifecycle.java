package dev.duplexrpc.client;

import dev.duplexrpc.client.ConnectionCalls.Waiter;
import dev.duplexrpc.client.Connector.Line;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.internal.EventCounters;
import dev.duplexrpc.core.internal.SerialExecutor;
import dev.duplexrpc.websocket.internal.Background;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The states of one {@link ClientConnection} and the moves between them: opens the first socket,
 * notices when a socket is lost, reconnects as the policy says (through the failover URIs, with
 * the reconnect hook, then sends the calls queued meanwhile), and closes for good, once, failing
 * what is left and telling the listener. Every move happens under one lock, which also guards the
 * offline queue of {@link ConnectionCalls}; listener events are queued under it, so they run in
 * order. {@code ClientConnection} is the public face that documents this behaviour.
 */
final class ConnectionLifecycle {
  // Named after the public class: these records are the connection's, and were always logged so.
  private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());

  private final ClientConnection connection;
  private final Connector connector;
  private final ReconnectPolicy policy;
  private final boolean retryFirstConnect;
  private final ClientConnection.ReconnectHook hook;
  private final ClientConnection.Listener listener;
  private final SerialExecutor announcements = new SerialExecutor(Background.executor(), "A connection listener");
  private final ClientEvents events;
  private final ConnectionCalls calls;
  private final CompletableFuture<ConnectionClosedException> closeFuture = new CompletableFuture<>();

  private final Object lock = new Object();
  private volatile ConnectionState state = ConnectionState.CONNECTING; // written under lock
  private volatile Line line; // written under lock: the current socket, or the last one
  private volatile Thread hookThread; // written under lock
  private volatile Line hookLine; // written under lock
  private boolean closing; // guarded by lock: the application closed or shut down
  private ConnectionClosedException lastClose; // guarded by lock
  private int attempt; // guarded by lock
  private ScheduledFuture<?> retry; // guarded by lock
  private long reconnects; // guarded by lock
  private volatile URI current; // written under lock: the server of the current or last socket

  ConnectionLifecycle(ClientConnection connection, RpcClient client, ClientEvents events) {
    ClientSettings config = client.config();
    this.connection = connection;
    this.connector = client.connector();
    this.policy = config.reconnectPolicy;
    this.retryFirstConnect = config.retryFirstConnect;
    this.hook = config.reconnectHook;
    this.listener = config.listener;
    this.events = events;
    this.calls = new ConnectionCalls(this, lock, config.offlineQueueSize, config.offlineQueueWait);
    this.current = client.uri();
  }

  /** The first connect, on the caller's thread: one attempt, or retries if the client says so. */
  void open() throws IOException {
    announce(ConnectionState.CONNECTING);
    Line l;
    try {
      l = retryFirstConnect
          ? connector.openRetrying(events, u -> current = u)
          : connector.open(events, current);
    } catch (IOException | RuntimeException e) {
      synchronized (lock) {
        state = ConnectionState.CLOSED;
        announce(ConnectionState.CLOSED);
      }
      throw e;
    }
    events.attach(l.peer);
    synchronized (lock) {
      line = l;
      state = ConnectionState.OPEN;
      announce(ConnectionState.OPEN);
    }
    watch(l);
  }

  private void watch(Line l) {
    l.peer.closeFuture().thenAccept(ex -> lineClosed(l, ex));
    if (l.session != null) {
      l.session.onLinkLost((code, reason) -> socketLost(l, code, reason));
    }
  }

  /** Where the connection's proxies send their calls. */
  ConnectionCalls calls() {
    return calls;
  }

  /** See {@link ClientConnection#peer()}. */
  Peer peer() {
    Line h = hookLine;
    if (h != null && Thread.currentThread() == hookThread) {
      return h.peer;
    }
    return line.peer;
  }

  URI uri() {
    return current;
  }

  ConnectionState state() {
    return state;
  }

  /** Whether calls are sent to the current line's Peer: open, or resuming its session. Holding lock. */
  private boolean sending() {
    return state == ConnectionState.OPEN || state == ConnectionState.RESUMING;
  }

  boolean isOpen() {
    return state == ConnectionState.OPEN && line.peer.isOpen();
  }

  long reconnects() {
    synchronized (lock) {
      return reconnects;
    }
  }

  /** See {@link ClientConnection#closeFuture()}: a copy, so callers cannot complete it. */
  CompletableFuture<ConnectionClosedException> closeFuture() {
    return closeFuture.thenApply(e -> e);
  }

  /** See {@link ClientConnection#close(int, String)}. */
  void close(int code, String reason) {
    Line l;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      closing = true;
      cancelRetry();
      l = sending() ? line : hookLine;
    }
    if (l != null) {
      l.peer.close(code, reason); // reported back through lineClosed, which finishes
    }
    finish(new ConnectionClosedException(code, reason));
  }

  /** See {@link ClientConnection#shutdown(Duration)}. */
  CompletableFuture<Void> shutdown(Duration grace) {
    Line l;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return CompletableFuture.completedFuture(null);
      }
      closing = true;
      cancelRetry();
      l = sending() ? line : null;
    }
    if (l == null) {
      finish(new ConnectionClosedException(1001, "going away"));
      return CompletableFuture.completedFuture(null);
    }
    return l.peer.shutdown(grace).thenCompose(v -> closeFuture).thenApply(e -> null);
  }

  // -----------------------------------------------------------------------------------------------
  // Losing and regaining the socket

  private void lineClosed(Line l, ConnectionClosedException ex) {
    synchronized (lock) {
      if (l != line || state == ConnectionState.CLOSED) {
        return; // an old socket, or one a failed reconnect hook dropped
      }
      lastClose = ex;
      if (closing || !policy.reconnectsAfter(ex.closeCode())) {
        // finish below, outside the lock
      } else {
        if (state == ConnectionState.OPEN) {
          LOG.log(Level.INFO, "Connection to {0} lost ({1}); reconnecting", current, ex.getMessage());
          state = ConnectionState.RECONNECTING;
          attempt = 0;
          announce(ConnectionState.RECONNECTING);
          scheduleNext();
        } else if (state == ConnectionState.RESUMING) { // the kept session ended: a fresh one next
          state = ConnectionState.RECONNECTING;
          announce(ConnectionState.RECONNECTING);
        }
        // else: a socket opened by a reconnect attempt, lost before it went OPEN; the attempt
        // sees it closed and schedules the next one.
        return;
      }
    }
    finish(ex);
  }

  /**
   * The socket under a resumable session dropped: keep the session and resume it on a new socket
   * (RESUMING), or end it (then {@link #lineClosed} takes over, as without sessions). A close frame
   * from the server, a close by this side, or a code the policy does not retry ends it.
   */
  private void socketLost(Line l, int code, String reason) {
    synchronized (lock) {
      // Only a lost socket (1006: no close frame, or the heartbeat gave up) is resumed; a close
      // frame from the server ends the session, as without sessions.
      if (l == line && state == ConnectionState.OPEN && !closing && code == 1006
          && policy.reconnectsAfter(code)) {
        lastClose = new ConnectionClosedException(code, reason);
        LOG.log(Level.INFO, "Connection to {0} lost ({1} {2}); resuming its session", current, code, reason);
        state = ConnectionState.RESUMING;
        attempt = 0;
        announce(ConnectionState.RESUMING);
        scheduleNext();
        return;
      }
    }
    l.session.layer.close(code, reason);
  }

  /** Schedules the next attempt, or gives up. Holding lock. */
  private void scheduleNext() {
    attempt++;
    Duration delay = policy.delayBefore(attempt);
    if (delay == null) {
      ConnectionClosedException last = lastClose;
      int code = last == null ? 1006 : last.closeCode();
      String reason = "gave up reconnecting after " + (attempt - 1) + " attempts"
          + (last == null || last.closeReason().isEmpty() ? "" : "; lost with: " + last.closeReason());
      Background.executor().execute(() -> finish(new ConnectionClosedException(code, reason)));
      return;
    }
    int n = attempt;
    retry = Background.scheduler().schedule(() -> {
      try {
        Background.executor().execute(() -> reconnect(n));
      } catch (RejectedExecutionException e) {
        LOG.log(Level.WARNING, "Reconnect of {0} not started: {1}", current, e);
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelRetry() { // holding lock
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
  }

  private void reconnect(int n) {
    Line resumeFrom;
    synchronized (lock) {
      if ((state != ConnectionState.RECONNECTING && state != ConnectionState.RESUMING) || closing
          || n != attempt) {
        return;
      }
      retry = null;
      resumeFrom = state == ConnectionState.RESUMING ? line : null;
    }
    Line l;
    try {
      URI target;
      synchronized (lock) {
        List<URI> all = connector.uris();
        target = all.get((all.indexOf(current) + 1) % all.size()); // the next server; itself if alone
        current = target;
      }
      l = connector.open(events, target, resumeFrom);
    } catch (HandshakeRejectedException e) {
      if (e.statusCode() == 401 || e.statusCode() == 403) {
        LOG.log(Level.WARNING, "Reconnect to {0} refused with HTTP {1}; giving up", current,
            e.statusCode());
        ConnectionClosedException last;
        synchronized (lock) {
          last = lastClose;
        }
        finish(new ConnectionClosedException(last == null ? 1006 : last.closeCode(),
            "reconnect refused with HTTP " + e.statusCode()));
        return;
      }
      retryLater(n, e);
      return;
    } catch (IOException | RuntimeException e) {
      retryLater(n, e);
      return;
    }
    if (l == resumeFrom) {
      resumed(l);
      return;
    }
    Line ended = null;
    synchronized (lock) {
      if ((state != ConnectionState.RECONNECTING && state != ConnectionState.RESUMING) || closing) {
        l.peer.close(1000, "normal closure");
        return;
      }
      if (state == ConnectionState.RESUMING) { // the server could not resume: a fresh session
        ended = line;
        state = ConnectionState.RECONNECTING;
        announce(ConnectionState.RECONNECTING);
      }
      line = l;
      reconnects++; // counted before the hook runs, so that the hook reads its own reconnect
      if (hook != null) {
        hookLine = l;
        hookThread = Thread.currentThread();
      }
    }
    if (ended != null) { // its pending calls fail now, as they would have at the drop without sessions
      ConnectionClosedException last = lastClose;
      LOG.log(Level.INFO, "Session with {0} not resumed; starting a fresh one", current);
      ended.session.layer.close(last == null ? 1006 : last.closeCode(),
          "session not resumed" + (last == null || last.closeReason().isEmpty() ? "" : "; lost with: " + last.closeReason()));
    }
    watch(l);
    events.attach(l.peer); // rpc.on again for every subscribed event, before the hook's calls
    if (hook != null) {
      try {
        hook.onReconnected(connection);
      } catch (Exception | LinkageError e) {
        LOG.log(Level.WARNING, "Reconnect hook of " + current + " failed; dropping the new socket", e);
        synchronized (lock) {
          hookLine = null;
          hookThread = null;
        }
        // Reported to lineClosed like any loss; the check below schedules the next attempt.
        l.peer.close(1011, "reconnect hook failed");
      }
    }
    synchronized (lock) {
      hookLine = null;
      hookThread = null;
      if (state != ConnectionState.RECONNECTING || closing) {
        return; // closed meanwhile; the close handled everything
      }
      if (!l.peer.isOpen()) {
        ConnectionClosedException ex = l.peer.closeFuture().getNow(null);
        if (ex != null) {
          lastClose = ex;
        }
        LOG.log(Level.INFO, "Reconnected socket to {0} lost at once; trying again", current);
        reconnects--; // not a reconnect after all
        scheduleNext();
        return;
      }
      // Sent in order, under the lock, so no call made after the state turns OPEN overtakes them.
      for (Waiter w : calls.drain()) {
        w.ready(l.peer);
      }
      attempt = 0;
      EventCounters.RECONNECTS.increment(); // before the announcement: a listener reads it counted
      state = ConnectionState.OPEN;
      announce(ConnectionState.OPEN);
    }
    LOG.log(Level.INFO, "Reconnected to {0}", current);
  }

  /** The session of {@code l} goes on on a new socket. */
  private void resumed(Line l) {
    synchronized (lock) {
      if (state != ConnectionState.RESUMING || closing) {
        return; // closed meanwhile: the close ended the session
      }
      reconnects++;
      attempt = 0;
      state = ConnectionState.OPEN;
      announce(ConnectionState.OPEN);
    }
    LOG.log(Level.INFO, "Resumed the session with {0}", current);
  }

  private void retryLater(int n, Exception e) {
    LOG.log(Level.DEBUG, "Reconnect attempt {0} to {1} failed: {2}", n, current, e);
    synchronized (lock) {
      if ((state == ConnectionState.RECONNECTING || state == ConnectionState.RESUMING) && !closing
          && n == attempt) {
        scheduleNext();
      }
    }
  }

  /** Closes for good, once: fails the queue, completes the future, tells the listener. */
  private void finish(ConnectionClosedException ex) {
    List<Waiter> failed;
    Line kept;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      kept = state == ConnectionState.RESUMING ? line : null;
      state = ConnectionState.CLOSED;
      cancelRetry();
      failed = calls.drain();
    }
    if (kept != null) { // gave up resuming: the session's pending calls fail with the close
      kept.session.layer.close(ex.closeCode(), ex.closeReason());
    }
    for (Waiter w : failed) {
      w.fail(ex);
    }
    closeFuture.complete(ex);
    // Outside the lock, yet in order: nothing announces a state once CLOSED is set.
    announce(ConnectionState.CLOSED);
    if (listener != null) {
      announcements.execute(() -> listener.onClose(connection, ex.closeCode(), ex.closeReason()));
    }
  }

  /** Queues a state event for the listener; called holding lock (but for CONNECTING), so in order. */
  private void announce(ConnectionState s) {
    if (listener != null) {
      announcements.execute(() -> listener.onStateChange(connection, s));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // For the calls

  /** The Peer to send to now, or null when not open (nor on the reconnect hook's thread). */
  Peer openPeer() {
    Line l = line;
    if (sending()) {
      return l.peer;
    }
    Line h = hookLine;
    if (h != null && Thread.currentThread() == hookThread) {
      return h.peer;
    }
    return null;
  }

  /**
   * The open socket's Peer, or null while not OPEN; holding lock.
   *
   * @throws ConnectionClosedException the close's, once closed for good
   */
  Peer peerUnlessOffline() {
    if (sending()) {
      return line.peer;
    }
    if (state == ConnectionState.CLOSED) {
      throw closeFuture.getNow(new ConnectionClosedException(1006, "closed"));
    }
    return null;
  }

  /** How the last socket was lost, or null; holding lock. */
  ConnectionClosedException lastClose() {
    return lastClose;
  }
}
