package dev.duplexrpc.server.internal;

import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.ConnectionStats;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.IOEventLifeCycleListener;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The embedded server's defence against sockets that are opened and held: it counts every socket
 * from its accept, by client address, refuses those past the {@link ConnectionLimits} with an HTTP
 * status before reading them, closes those whose upgrade request misses its deadline or minimum
 * rate, and pauses accepting when the process runs out of file descriptors.
 *
 * <p>Two filters: {@link #front()} sits right after Grizzly's transport (it sees accepts, raw bytes
 * and closes), {@link #headers()} right after the HTTP codec (it sees when a request's headers are
 * complete, and the {@code X-Forwarded-For} of a trusted proxy). A connection is <em>pending</em>
 * from its accept until its request headers are complete; a plain HTTP connection becomes pending
 * again after each request (its next request has the same deadline), an upgraded one never does.
 * One daemon thread per server checks the deadlines a few times per timeout and re-enables
 * accepting after a pause.
 */
public final class ConnectionGuard {
  private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
  private static final Attribute<State> STATE =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(ConnectionGuard.class.getName() + ".state");

  private final ConnectionLimits limits;
  private final boolean secure;
  private final Set<InetAddress> trusted;
  private final long timeoutNanos;
  private final long graceNanos;
  private final Set<State> pendingStates = ConcurrentHashMap.newKeySet();
  private final Map<InetAddress, int[]> perAddress = new HashMap<>(); // [connections, pending]; guarded by this
  private int connections; // guarded by this
  private int pending; // guarded by this
  private final AtomicLong refusedBusy = new AtomicLong();
  private final AtomicLong refusedPerAddress = new AtomicLong();
  private final AtomicLong handshakeTimeouts = new AtomicLong();
  private final AtomicLong slowHandshakes = new AtomicLong();
  private final ThrottledLog reports = new ThrottledLog(LOG);
  private final ScheduledThreadPoolExecutor timer;
  private final AcceptPause acceptPause;

  /** What the guard knows of one socket. */
  private static final class State {
    final Connection<?> connection;
    final InetAddress socketAddress;
    volatile InetAddress countedAddress; // per-address counts are kept under it; null if none
    volatile long since = System.nanoTime(); // the accept, or the end of the previous plain request
    volatile long bytes; // read since 'since', while pending
    volatile boolean pending = true; // guarded by the guard for transitions
    volatile boolean refused;
    volatile boolean released;
    volatile Object lastRequest;

    State(Connection<?> connection, InetAddress socketAddress) {
      this.connection = connection;
      this.socketAddress = socketAddress;
    }
  }

  /**
   * Creates the guard; its thread starts with the first deadline to check.
   *
   * @param limits the limits
   * @param secure whether the listener speaks TLS (refusals are then plain closes)
   */
  public ConnectionGuard(ConnectionLimits limits, boolean secure) {
    this.limits = limits;
    this.secure = secure;
    this.trusted = limits.trustedProxies();
    this.timeoutNanos = limits.handshakeTimeout().toNanos();
    this.graceNanos = limits.minHandshakeRateGrace().toNanos();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "duplex-rpc-connection-guard");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.acceptPause = new AcceptPause(timer, reports);
    long shortest = Long.MAX_VALUE;
    if (timeoutNanos > 0) {
      shortest = timeoutNanos;
    }
    if (limits.minHandshakeRate() > 0) {
      shortest = Math.min(shortest, Math.max(graceNanos, TimeUnit.SECONDS.toNanos(1)));
    }
    if (shortest != Long.MAX_VALUE) {
      long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(shortest / 10, TimeUnit.MILLISECONDS.toNanos(500)));
      timer.scheduleWithFixedDelay(this::checkDeadlines, tick, tick, TimeUnit.NANOSECONDS);
    }
  }

  /** The limits this guard enforces. */
  public ConnectionLimits limits() {
    return limits;
  }

  /** Stops the deadline thread; the listener is stopped separately. */
  public void stop() {
    timer.shutdownNow();
  }

  /** The counters now. */
  public ConnectionStats stats() {
    synchronized (this) {
      return new ConnectionStats(connections, pending, refusedBusy.get(), refusedPerAddress.get(),
          handshakeTimeouts.get(), slowHandshakes.get(), acceptPause.failures());
    }
  }

  /** The filter to put right after the transport filter. */
  BaseFilter front() {
    return new Front();
  }

  /** The filter to put right after the HTTP codec. */
  BaseFilter headers() {
    return new Headers();
  }

  /**
   * The client address of a connection: the one a trusted proxy forwarded, else the socket's.
   *
   * @param connection the Grizzly connection
   * @param socket the socket's remote address
   * @return the address to report
   */
  static InetSocketAddress clientAddress(Connection<?> connection, InetSocketAddress socket) {
    State s = STATE.get(connection);
    if (s == null || s.countedAddress == null || s.countedAddress.equals(s.socketAddress)) {
      return socket;
    }
    return new InetSocketAddress(s.countedAddress, socket.getPort());
  }

  private final class Front extends BaseFilter {
    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
      Connection<?> connection = ctx.getConnection();
      acceptPause.reset();
      Object peer = connection.getPeerAddress();
      InetAddress address = peer instanceof InetSocketAddress ? ((InetSocketAddress) peer).getAddress() : null;
      State state = new State(connection, address);
      boolean proxy = address == null || trusted.contains(address);
      int status = 0;
      String why = null;
      synchronized (ConnectionGuard.this) {
        int[] counts = proxy ? null : perAddress.get(address);
        if (limits.maxConnections() > 0 && connections >= limits.maxConnections()) {
          status = 503;
          why = "maxConnections (" + limits.maxConnections() + ") reached";
        } else if (limits.maxPendingHandshakes() > 0 && pending >= limits.maxPendingHandshakes()) {
          status = 503;
          why = "maxPendingHandshakes (" + limits.maxPendingHandshakes() + ") reached";
        } else if (counts != null && limits.maxConnectionsPerAddress() > 0
            && counts[0] >= limits.maxConnectionsPerAddress()) {
          status = 429;
          why = "maxConnectionsPerAddress (" + limits.maxConnectionsPerAddress() + ") reached by " + address
              + (trusted.isEmpty() ? " (a proxy? see trustedProxies)" : "");
        } else if (counts != null && limits.maxPendingHandshakesPerAddress() > 0
            && counts[1] >= limits.maxPendingHandshakesPerAddress()) {
          status = 429;
          why = "maxPendingHandshakesPerAddress (" + limits.maxPendingHandshakesPerAddress() + ") reached by "
              + address;
        } else {
          connections++;
          pending++;
          if (!proxy) {
            int[] c = perAddress.computeIfAbsent(address, a -> new int[2]);
            c[0]++;
            c[1]++;
            state.countedAddress = address;
          }
        }
      }
      if (status != 0) {
        (status == 429 ? refusedPerAddress : refusedBusy).incrementAndGet();
        reports.warn("refused " + status, why);
        state.refused = true;
        state.released = true;
        STATE.set(connection, state);
        refuseRaw(ctx, status, why);
        return ctx.getStopAction();
      }
      STATE.set(connection, state);
      pendingStates.add(state);
      connection.addCloseListener((closeable, type) -> release(state));
      return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
      State state = STATE.get(ctx.getConnection());
      if (state != null) {
        if (state.refused) {
          Object m = ctx.getMessage();
          if (m instanceof Buffer) {
            ((Buffer) m).tryDispose();
          }
          return ctx.getStopAction(); // refused: nothing more is read into the server
        }
        if (state.pending) {
          Object m = ctx.getMessage();
          if (m instanceof Buffer) {
            state.bytes += ((Buffer) m).remaining();
          }
        }
      }
      return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
      State state = STATE.get(ctx.getConnection());
      if (state != null && state.pending && state.lastRequest != null) {
        // A plain HTTP response on its way: its writing counts as progress, not as a slow client.
        state.since = System.nanoTime();
        state.bytes = 0;
      }
      return ctx.getInvokeAction();
    }
  }

  private final class Headers extends BaseFilter {
    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
      Object m = ctx.getMessage();
      State state = STATE.get(ctx.getConnection());
      if (state == null || !(m instanceof HttpContent)) {
        return ctx.getInvokeAction();
      }
      HttpHeader header = ((HttpContent) m).getHttpHeader();
      if (!header.isRequest() || header == state.lastRequest) {
        return ctx.getInvokeAction();
      }
      boolean upgrade = UpgradeRequestCheck.isUpgrade(header);
      if (!upgrade) {
        state.lastRequest = header; // an upgrade's parsed request is not kept: TyrusFilter drops it
      }
      HttpRequestPacket request = (HttpRequestPacket) header;
      InetAddress forwarded = forwardedClient(state, request);
      String why = null;
      synchronized (ConnectionGuard.this) {
        if (state.released) {
          return ctx.getStopAction();
        }
        if (state.pending) {
          state.pending = false;
          pending--;
          if (state.countedAddress != null) {
            perAddress.get(state.countedAddress)[1]--;
          }
        }
        if (forwarded != null && state.countedAddress == null) {
          int[] c = perAddress.computeIfAbsent(forwarded, a -> new int[2]);
          if (limits.maxConnectionsPerAddress() > 0 && c[0] >= limits.maxConnectionsPerAddress()) {
            why = "maxConnectionsPerAddress (" + limits.maxConnectionsPerAddress() + ") reached by " + forwarded
                + " (forwarded by " + state.socketAddress + ")";
            if (c[0] == 0) {
              perAddress.remove(forwarded);
            }
          } else {
            c[0]++;
            state.countedAddress = forwarded;
          }
        }
      }
      pendingStates.remove(state);
      if (why != null) {
        refusedPerAddress.incrementAndGet();
        reports.warn("refused 429", why);
        TyrusFilter.refuse(ctx, request, HandshakeGate.Verdict.refuse(429, "too many connections", null), false);
        ((HttpContent) m).recycle();
        return ctx.getStopAction();
      }
      if (!upgrade) {
        // Plain HTTP: once its response is written, the next request has the same deadline.
        synchronized (ConnectionGuard.this) {
          if (!state.released) {
            state.since = System.nanoTime();
            state.bytes = 0;
            state.pending = true;
            pending++;
            if (state.countedAddress != null && state.countedAddress.equals(state.socketAddress)) {
              perAddress.get(state.countedAddress)[1]++;
            }
            pendingStates.add(state);
          }
        }
      }
      return ctx.getInvokeAction();
    }
  }

  /** Whether a header asks for a WebSocket upgrade. */
  private static final class UpgradeRequestCheck {
    static boolean isUpgrade(HttpHeader header) {
      return "websocket".equalsIgnoreCase(header.getUpgrade());
    }
  }

  /** The client a trusted proxy forwards, or null when the socket is not a trusted proxy's. */
  private InetAddress forwardedClient(State state, HttpRequestPacket request) {
    if (state.socketAddress == null || !trusted.contains(state.socketAddress)) {
      return null;
    }
    return ForwardedFor.client(state.socketAddress, trusted, request.getHeader("X-Forwarded-For"));
  }

  private void release(State state) {
    pendingStates.remove(state);
    synchronized (this) {
      if (state.released) {
        return;
      }
      state.released = true;
      connections--;
      if (state.pending) {
        pending--;
      }
      InetAddress a = state.countedAddress;
      if (a != null) {
        int[] c = perAddress.get(a);
        if (c != null) {
          c[0]--;
          if (state.pending && a.equals(state.socketAddress)) {
            c[1]--;
          }
          if (c[0] <= 0) {
            perAddress.remove(a);
          }
        }
      }
    }
  }

  private void checkDeadlines() {
    try {
      long now = System.nanoTime();
      int rate = limits.minHandshakeRate();
      for (State s : pendingStates) {
        if (!s.pending || s.released) {
          pendingStates.remove(s);
          continue;
        }
        long elapsed = now - s.since;
        if (timeoutNanos > 0 && elapsed >= timeoutNanos) {
          handshakeTimeouts.incrementAndGet();
          reports.warn("handshake timeout", "a connection from " + s.socketAddress + " sent no complete request within "
              + limits.handshakeTimeout());
          drop(s);
        } else if (rate > 0 && elapsed >= graceNanos && elapsed > 0
            && s.bytes * 1_000_000_000L < (long) rate * elapsed) {
          slowHandshakes.incrementAndGet();
          reports.warn("slow handshake", "a connection from " + s.socketAddress + " sent its request slower than "
              + rate + " bytes/s");
          drop(s);
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.log(Level.WARNING, "Handshake deadline check failed", e);
    }
  }

  private void drop(State s) {
    pendingStates.remove(s);
    s.connection.terminateSilently();
  }

  /** Answers a refused socket without reading from it, then closes it. */
  private void refuseRaw(FilterChainContext ctx, int status, String why) {
    Connection<?> connection = ctx.getConnection();
    if (secure) {
      connection.terminateSilently(); // no HTTP before the TLS handshake
      return;
    }
    String body = status == 429 ? "too many connections from your address\n" : "server busy\n";
    String response = "HTTP/1.1 " + status + (status == 429 ? " Too Many Requests" : " Service Unavailable")
        + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
        + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body;
    byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
    ctx.write(Buffers.wrap(ctx.getMemoryManager(), bytes), new EmptyCompletionHandler<WriteResult>() {
      @Override
      public void completed(WriteResult result) {
        connection.closeSilently();
      }

      @Override
      public void failed(Throwable error) {
        connection.terminateSilently();
      }
    });
  }

  /** The listener for accept events: a failed accept pauses accepting ({@link AcceptPause}). */
  IOEventLifeCycleListener acceptListener() {
    return acceptPause.listener();
  }
}
