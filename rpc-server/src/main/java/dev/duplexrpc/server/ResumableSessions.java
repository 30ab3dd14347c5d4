package dev.duplexrpc.server;

import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.resume.Control;
import dev.duplexrpc.core.internal.resume.Handover;
import dev.duplexrpc.core.internal.resume.SequencedTransport;
import dev.duplexrpc.core.internal.resume.SessionSettings;
import dev.duplexrpc.core.transport.Transport;
import dev.duplexrpc.server.cluster.internal.SessionBridges;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The server's resumable sessions (docs/resume.md): the {@code rpc.session} greeting on each
 * socket whose handshake agreed {@code duplex-rpc.1}, the session tokens, and the resume window
 * during which a session whose socket dropped waits for its client.
 *
 * <p>A token is 128 random bits from {@link SecureRandom}, valid for one resume only (each answer
 * carries a new one; the one a resume presented stays valid until the client's first message on
 * the new socket shows that the answer arrived), and bound to the principal the authenticator gave
 * the socket that opened the session: a resume from another principal, with an unknown token or
 * after the window is answered as a fresh session, and tells nothing of the old one. In a cluster
 * ({@link #bridges}), tokens start with this node's id, a token of another node's session is
 * bridged to that node ({@link SessionBridges}), and that node's bridges resume sessions here
 * ({@link #resumeRelayed}). Thread-safe.
 */
final class ResumableSessions {
  private static final System.Logger LOG = System.getLogger(ResumableSessions.class.getName());

  /** Builds the connection of a new session (or a plain one) on a transport; null if refused. */
  interface Opener {
    ServerConnection open(Transport peerTransport, SequencedTransport session);
  }

  private final boolean enabled;
  private final Duration window;
  private final int maxWaiting;
  /** Sessions whose socket dropped, longest waiting first; guarded by itself. */
  private final Set<Kept> waiting = new LinkedHashSet<>();
  private final SessionSettings settings;
  private final ConnectionListener listener;
  private final Executor executor;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Kept> byToken = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile SessionBridges bridges; // null: no resumes across nodes

  ResumableSessions(boolean enabled, Duration window, int maxWaiting, SessionSettings settings,
      ConnectionListener listener, Executor executor) {
    this.enabled = enabled;
    this.window = window;
    this.maxWaiting = maxWaiting;
    this.settings = settings;
    this.listener = listener;
    this.executor = executor;
  }

  /**
   * Resumes across the nodes of a cluster: tokens name this node, a token of another node's
   * session is bridged to that node, and that node's bridges reach these sessions.
   */
  void bridges(SessionBridges b) {
    this.bridges = b;
  }

  /** From now on every dropped link ends its session at once (the endpoint is closing). */
  void close() {
    closed = true;
  }

  /**
   * Starts the greeting on a new socket that agreed {@code duplex-rpc.1}: its first message
   * decides between a new session, a resume, and a plain connection.
   *
   * @param link the socket's transport, not yet started
   * @param principal what the authenticator said for this socket, or null
   * @param drop drops the socket without a close frame (1006), with a reason
   * @param opener builds the connection of a new session
   */
  void greet(Transport link, Principal principal, Consumer<String> drop, Opener opener) {
    Handover h = new Handover(link);
    h.start(new Greeting(h, principal, drop, opener));
  }

  /**
   * A resume bridged from another node of the cluster ({@link SessionBridges.HeldSessions}):
   * the same checks and steps as a local resume, on the relayed link.
   */
  boolean resumeRelayed(String token, String principalType, String principalName, long received,
      Transport link) {
    Kept k = byToken.get(token);
    boolean same = k != null && (k.principal == null
        ? principalType == null && principalName == null
        : SessionBridges.typeOf(k.principal).equals(principalType)
            && Objects.equals(k.principal.getName(), principalName));
    if (!same) {
      return false;
    }
    Handover h = new Handover(link).start(NO_GREETING);
    return resume(k, h, token, received);
  }

  private static final Transport.Listener NO_GREETING = new Transport.Listener() {
    @Override
    public void onMessage(String message) {}

    @Override
    public void onClose(int code, String reason) {}
  };

  private boolean resume(Kept k, Handover handover, String presented, long received) {
    String next = k.reissue(presented);
    if (next == null) {
      return false;
    }
    k.resumed();
    if (received < 0 || !k.layer.attach(handover, received, mine -> Control.answer(next, mine, true))) {
      LOG.log(Level.INFO, "Session {0} not resumed: the client reports {1} messages received", k.connection, received);
      k.layer.close(1006, "resume failed");
      return false;
    }
    ServerConnection c = k.connection;
    LOG.log(Level.DEBUG, "Session {0} resumed on {1}", c, handover);
    if (listener != null && c != null) {
      Defaults.execute(executor, () -> listener.onResume(c));
    }
    return true;
  }

  private String newToken() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    SessionBridges sb = bridges;
    return (sb == null ? "" : sb.tokenPrefix()) + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The live session with {@code token}, if the principal is its own. */
  private Kept find(String token, Principal principal) {
    Kept k = byToken.get(token);
    return k == null || !samePrincipal(k.principal, principal) ? null : k;
  }

  private static boolean samePrincipal(Principal a, Principal b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.getClass() == b.getClass() && Objects.equals(a.getName(), b.getName());
  }

  /** One session: its layer, its owner's decisions, its token and its window. */
  private final class Kept implements SequencedTransport.Owner {
    final Principal principal;
    SequencedTransport layer;
    volatile ServerConnection connection;
    private String token; // guarded by this: the newest, sent in the last answer
    private String previous; // guarded by this: the one before, until the client shows it got the newest
    private ScheduledFuture<?> expiry; // guarded by this
    private Runnable ending; // guarded by this: ends the session early while it waits

    Kept(Principal principal) {
      this.principal = principal;
    }

    /**
     * A new token for the next resume, answering a resume with {@code presented} (null for a new
     * session). Every other token of the session is void now; {@code presented} stays valid only
     * until the client's first message on the new socket shows that it got the new token (the
     * answer may be lost with the socket: then the client still has {@code presented}).
     *
     * @return the new token, or null if {@code presented} is no longer valid (raced by another resume)
     */
    synchronized String reissue(String presented) {
      if (presented != null && !presented.equals(token) && !presented.equals(previous)) {
        return null;
      }
      for (String t : new String[] {token, previous}) {
        if (t != null && !t.equals(presented)) {
          byToken.remove(t, this);
        }
      }
      previous = presented;
      token = newToken();
      byToken.put(token, this);
      return token;
    }

    @Override
    public synchronized void linkConfirmed(SequencedTransport session) {
      if (previous != null) {
        byToken.remove(previous, this);
        previous = null;
      }
    }

    synchronized void resumed() {
      if (expiry != null) {
        expiry.cancel(false);
        expiry = null;
      }
      synchronized (waiting) {
        waiting.remove(this);
      }
    }

    /** Ends this waiting session now, as its window's end would (too many sessions wait). */
    void evict() {
      Runnable end;
      synchronized (this) {
        if (expiry == null || !expiry.cancel(false)) {
          return; // resumed or ended meanwhile, or its window is ending it right now
        }
        expiry = null;
        end = ending;
      }
      end.run();
    }

    @Override
    public void linkLost(SequencedTransport session, int code, String reason) {
      if (closed || code != 1006) { // the endpoint closes, or the client closed the socket itself
        LOG.log(Level.DEBUG, "Session {0} ends with its socket ({1} {2})", connection, code, reason);
        session.close(code, reason);
        return;
      }
      LOG.log(Level.DEBUG, "Session {0} lost its socket ({1} {2}); kept for {3}", connection, code,
          reason, window);
      Kept longest = null;
      synchronized (this) {
        Runnable end = () -> session.close(code, reason.isEmpty() ? "not resumed in time" : reason);
        ending = () -> session.close(code, "not resumed: more than " + maxWaiting + " sessions waiting");
        expiry = Defaults.timer().schedule(end, window.toNanos(), TimeUnit.NANOSECONDS);
      }
      synchronized (waiting) {
        waiting.add(this);
        if (waiting.size() > maxWaiting) {
          Iterator<Kept> first = waiting.iterator();
          longest = first.next();
          first.remove();
        }
      }
      if (longest != null) {
        LOG.log(Level.INFO, "Session {0} ends: more than {1} sessions wait to be resumed",
            longest.connection, maxWaiting);
        longest.evict();
      }
    }

    @Override
    public synchronized void ended(SequencedTransport session) {
      resumed();
      for (String t : new String[] {token, previous}) {
        if (t != null) {
          byToken.remove(t, this);
        }
      }
    }
  }

  /** Reads a socket's first message. */
  private final class Greeting implements Transport.Listener {
    private final Handover handover;
    private final Principal principal;
    private final Consumer<String> drop;
    private final Opener opener;

    Greeting(Handover handover, Principal principal, Consumer<String> drop, Opener opener) {
      this.handover = handover;
      this.principal = principal;
      this.drop = drop;
      this.opener = opener;
    }

    private boolean greeted; // only on the link's thread

    @Override
    public void onMessage(String message) {
      if (greeted) {
        return; // what followed a greeting whose connection was refused
      }
      greeted = true;
      Control.Message hello = Control.parse(message);
      if (hello == null || !Control.SESSION.equals(hello.method())) {
        offThisThread(this::plain, message); // a duplex-rpc.1 peer that does not use sessions
        return;
      }
      if (hello.params().has("resumable") && !hello.booleanParam("resumable")) {
        offThisThread(this::plain, null); // the client keeps no session: nothing to answer
        return;
      }
      if (!enabled) {
        handover.link().send(Control.noSession());
        offThisThread(this::plain, null);
        return;
      }
      String token = hello.stringParam("token");
      Kept old = token == null ? null : find(token, principal);
      if (old != null && resume(old, handover, token, hello.longParam("received"))) {
        return;
      }
      SessionBridges sb = bridges;
      if (old == null && token != null && sb != null && sb.bridge(token, hello.longParam("received"),
          principal, handover, drop, () -> offThisThread(this::fresh, null))) {
        return; // another node holds the session: it resumes there, through this socket
      }
      offThisThread(this::fresh, null);
    }

    /**
     * Opening a connection runs the connection listener, user code, which never runs on the
     * socket's thread: the link's next messages wait meanwhile.
     */
    private void offThisThread(Runnable open, String first) {
      handover.hold(first);
      Defaults.execute(executor, () -> {
        try {
          open.run();
        } finally {
          handover.release();
        }
      });
    }

    private void fresh() {
      Kept k = new Kept(principal);
      k.layer = new SequencedTransport(settings, handover.link().subprotocol(), k);
      ServerConnection c = opener.open(k.layer, k.layer);
      if (c == null) {
        handover.link().close(1008, "refused");
        return;
      }
      k.connection = c;
      String token = k.reissue(null);
      if (!k.layer.attach(handover, 0, mine -> Control.answer(token, mine, false))) {
        k.layer.close(1011, "session could not start");
      }
    }

    private void plain() {
      opener.open(handover.asTransport(), null);
    }

    @Override
    public void onClose(int code, String reason) {
      // closed before its first message: nothing was opened
    }
  }
}
