package dev.duplexrpc.server.cluster.internal;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.SerialExecutor;
import dev.duplexrpc.core.internal.resume.Handover;
import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Resumes across nodes (docs/cluster.md, docs/resume.md): a client that presents, on this node,
 * the token of a session another live node holds is bridged to that node over the backplane, and
 * the session resumes there exactly as a local resume does.
 *
 * <p>A token names the node that issued it ({@link #tokenPrefix()}: {@code <node id>.<random>}).
 * The <b>front</b> node (where the socket is) sends {@code attach} to the <b>holding</b> node and
 * keeps the socket's messages until the first {@code out} arrives: the holding node attached its
 * session to a {@link Held} transport (the same {@code Handover} a local resume uses), and that
 * message is the session's {@code rpc.session} answer. From then on the socket's messages travel
 * as {@code in}, the session's as {@code out}, both in order (the backplane keeps the order of one
 * node's messages to another). Either end closing sends {@code drop} with the close code; a
 * holding node that cannot resume answers {@code refused}, and the front node starts a fresh
 * session, as it does when no answer comes within the attach timeout or the holding node is gone.
 * A holding node that dies while bridged: the front node drops the socket without a close frame
 * (1006), so the client reconnects and gets a fresh session. The header's {@code connection} is
 * the bridge's id. Thread-safe.
 */
public final class SessionBridges {
  private static final System.Logger LOG = System.getLogger(SessionBridges.class.getName());
  /** What a node id may be (the backplane's rule), so a made-up token sends nothing odd to the bus. */
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** What the holding node's resumable sessions do for a bridged resume. */
  public interface HeldSessions {
    /**
     * Resumes the session {@code token} on {@code link}, as a local resume on a new socket.
     *
     * @param token the token the client presented
     * @param principalType the class of the principal the front node's authenticator returned, or null
     * @param principalName its name, or null
     * @param received how many of the session's messages the client received
     * @param link the relayed link, not yet started
     * @return false if this node holds no such session for that principal (nothing was sent)
     */
    boolean attach(String token, String principalType, String principalName, long received, Transport link);
  }

  private final ClusterNode node;
  private final ConcurrentHashMap<String, Front> fronts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Held> helds = new ConcurrentHashMap<>();
  private volatile boolean enabled;
  private volatile Duration attachTimeout = Duration.ofSeconds(5);
  private volatile HeldSessions sessions;
  private volatile Executor executor = Runnable::run;

  SessionBridges(ClusterNode node) {
    this.node = node;
  }

  /**
   * Turns bridging on for this node's resumable sessions; without this call it is off.
   *
   * @param attachTimeout how long the front node waits for the holding node's answer
   * @param sessions this node's sessions, for bridges from other nodes
   * @param executor runs each bridge's deliveries to its session, one at a time
   */
  public void enable(Duration attachTimeout, HeldSessions sessions, Executor executor) {
    this.attachTimeout = attachTimeout;
    this.sessions = sessions;
    this.executor = executor;
    this.enabled = true;
  }

  /** What every token this node issues starts with: its node id and a dot; empty when off. */
  public String tokenPrefix() {
    return enabled && node.isClustered() ? node.nodeId() + "." : "";
  }

  /**
   * Bridges a socket whose resume token this node does not hold to the node named in it.
   *
   * @param token the token the client presented
   * @param received how many of the session's messages the client received
   * @param principal what this node's authenticator returned for the socket, or null
   * @param handover the socket, started; its messages are kept until the bridge is up
   * @param drop drops the socket without a close frame, with a reason
   * @param refused starts a fresh session on the socket (the handover's kept messages go to it)
   * @return false if the token names no other node (or bridging is off, or the backplane is
   *     unavailable): nothing was done
   */
  public boolean bridge(String token, long received, Principal principal, Handover handover,
      Consumer<String> drop, Runnable refused) {
    int dot = token.lastIndexOf('.');
    if (!enabled || dot <= 0 || !node.isAvailable()) {
      return false;
    }
    String holder = token.substring(0, dot);
    if (holder.equals(node.nodeId()) || !NODE_ID.matcher(holder).matches()) {
      return false; // this node's own token, which it does not know, or not a node's: a fresh session
    }
    Front f = new Front(UUID.randomUUID().toString(), holder, handover, drop, refused);
    handover.hold();
    fronts.put(f.id, f);
    node.watch(holder);
    JsonObject h = node.header("attach", f.id);
    h.addProperty("token", token);
    h.addProperty("received", received);
    if (principal != null) {
      h.addProperty("principalType", typeOf(principal));
      h.addProperty("principal", principal.getName());
    }
    synchronized (f) {
      f.timer = Defaults.timer().schedule(() -> f.refuse("no answer from node " + holder + " within "
          + attachTimeout), attachTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    node.send(holder, h.toString()).whenComplete((v, e) -> {
      if (e != null) {
        f.refuse("node " + holder + " cannot be reached: " + e);
      }
    });
    LOG.log(Level.DEBUG, "Resume of a session of node {0} bridged as {1}", holder, f.id);
    return true;
  }

  /**
   * The principal's class as nodes compare it: its name, without the suffix that differs between
   * JVMs for a hidden class (a lambda).
   *
   * @param principal a principal
   * @return its type's name
   */
  public static String typeOf(Principal principal) {
    Class<?> c = principal.getClass();
    String name = c.getName();
    int slash = name.indexOf('/');
    return c.isHidden() && slash > 0 ? name.substring(0, slash) : name;
  }

  /** A bridge message from another node; false if {@code type} is not one. */
  boolean onMessage(String type, JsonObject h, String from, String id, String body) {
    switch (type) {
      case "attach":
        attach(h, from, id);
        return true;
      case "in":
        Held held = helds.get(id);
        if (held != null && body != null) {
          held.deliver(body);
        }
        return true;
      case "out":
        Front f = fronts.get(id);
        if (f != null && body != null) {
          f.out(body);
        } else if (f == null) {
          dropMessage(from, id, 1006, "bridge " + id + " is gone"); // a late attach after a timeout
        }
        return true;
      case "refused":
        Front r = fronts.get(id);
        if (r != null) {
          r.refuse("node " + from + " refused: " + h.get("reason").getAsString());
        }
        return true;
      case "drop":
        int code = h.get("code").getAsInt();
        String reason = h.get("reason").getAsString();
        Front d = fronts.get(id);
        if (d != null) {
          d.dropped(code, reason);
        }
        Held dh = helds.get(id);
        if (dh != null) {
          dh.lost(code, reason);
        }
        return true;
      default:
        return false;
    }
  }

  /** A node left (or this node lost the backplane: {@code node} null): its bridges end. */
  void nodeDown(String gone) {
    String why = gone == null ? "the cluster backplane is unavailable" : "node " + gone + " left the cluster";
    for (Front f : fronts.values()) {
      if (gone == null || gone.equals(f.holder)) {
        f.holderGone(why);
      }
    }
    for (Held h : helds.values()) {
      if (gone == null || gone.equals(h.front)) {
        h.lost(1006, why);
      }
    }
  }

  private void attach(JsonObject h, String from, String id) {
    HeldSessions s = sessions;
    if (!enabled || s == null) {
      refused(from, id, "resuming across nodes is off");
      return;
    }
    Held held = new Held(from, id);
    helds.put(id, held);
    node.watch(from);
    String type = h.has("principalType") ? h.get("principalType").getAsString() : null;
    String name = h.has("principal") ? h.get("principal").getAsString() : null;
    String token = h.get("token").getAsString();
    long received = h.get("received").getAsLong();
    held.serial.execute(() -> {
      if (!s.attach(token, type, name, received, held)) {
        helds.remove(id, held);
        refused(from, id, "no such session");
      }
    });
  }

  private void refused(String to, String id, String reason) {
    JsonObject h = node.header("refused", id);
    h.addProperty("reason", reason);
    node.sendQuietly(to, h.toString());
  }

  private void dropMessage(String to, String id, int code, String reason) {
    JsonObject h = node.header("drop", id);
    h.addProperty("code", code);
    h.addProperty("reason", reason == null ? "" : reason);
    node.sendQuietly(to, h.toString());
  }

  /** The front node's end of a bridge: the client's socket. */
  private final class Front implements Transport.Listener {
    final String id;
    final String holder;
    final Handover handover;
    final Consumer<String> drop;
    final Runnable refused;
    ScheduledFuture<?> timer; // guarded by this
    private int state; // guarded by this: 0 waiting for the holder, 1 bridged, 2 ended

    Front(String id, String holder, Handover handover, Consumer<String> drop, Runnable refused) {
      this.id = id;
      this.holder = holder;
      this.handover = handover;
      this.drop = drop;
      this.refused = refused;
    }

    /** A message of the session, for the socket; the first one puts the bridge up. */
    void out(String message) {
      boolean first;
      synchronized (this) {
        if (state == 2) {
          return;
        }
        first = state == 0;
        state = 1;
        if (timer != null) {
          timer.cancel(false);
        }
      }
      handover.link().send(message);
      if (first) {
        handover.to(this);
        handover.release(); // what the client sent meanwhile, then the rest as it comes
      }
    }

    /**
     * The holder will not resume, or did not answer: a fresh session on this node.
     *
     * @return false if the bridge was up or ended already: nothing was done
     */
    boolean refuse(String why) {
      synchronized (this) {
        if (state != 0) {
          return false;
        }
        state = 2;
        if (timer != null) {
          timer.cancel(false);
        }
      }
      fronts.remove(id, this);
      dropMessage(holder, id, 1006, "not bridged"); // in case the attach is answered late
      LOG.log(Level.INFO, "Session of node {0} not resumed through it ({1}): a fresh session", holder, why);
      refused.run();
      return true;
    }

    /** The holder closed its end: the session closed or replaced the link. */
    void dropped(int code, String reason) {
      if (end()) {
        if (code == 1006 || code == 1005 || code == 1015) {
          drop.accept(reason);
        } else {
          handover.link().close(code, reason);
        }
      }
    }

    /** The holder left: a fresh session if the bridge was not up yet, else the socket drops. */
    void holderGone(String why) {
      if (!refuse(why) && end()) {
        drop.accept(why); // 1006: the client reconnects, and gets a fresh session
      }
    }

    private synchronized boolean end() {
      if (state == 2) {
        return false;
      }
      state = 2;
      if (timer != null) {
        timer.cancel(false);
      }
      fronts.remove(id, this);
      return true;
    }

    @Override
    public void onMessage(String message) {
      node.send(holder, node.header("in", id) + "\n" + message).whenComplete((v, e) -> {
        if (e != null && end()) {
          drop.accept("node " + holder + " cannot be reached");
        }
      });
    }

    @Override
    public void onClose(int code, String reason) {
      if (end()) {
        dropMessage(holder, id, code, reason);
      }
    }
  }

  /** The holding node's end of a bridge: the link its session is attached to. */
  private final class Held implements Transport {
    final String front;
    final String id;
    final SerialExecutor serial = new SerialExecutor(executor, "A bridged session's delivery");
    private volatile Transport.Listener listener;
    private volatile boolean ended;

    Held(String front, String id) {
      this.front = front;
      this.id = id;
    }

    @Override
    public void start(Transport.Listener l) {
      this.listener = l;
    }

    void deliver(String message) {
      serial.execute(() -> {
        if (!ended) {
          listener.onMessage(message);
        }
      });
    }

    /** The front's socket closed, or the front is gone. */
    void lost(int code, String reason) {
      if (!helds.remove(id, this)) {
        return;
      }
      serial.execute(() -> {
        ended = true;
        Transport.Listener l = listener;
        if (l != null) {
          l.onClose(code, reason);
        }
      });
    }

    @Override
    public CompletionStage<Void> send(String message) {
      if (ended) {
        return CompletableFuture.completedFuture(null); // the link is gone: the replay has it
      }
      return node.send(front, node.header("out", id) + "\n" + message).exceptionally(e -> {
        lost(1006, "node " + front + " cannot be reached");
        return null;
      });
    }

    @Override
    public void close(int code, String reason) {
      if (helds.remove(id, this)) {
        ended = true;
        dropMessage(front, id, code, reason);
      }
    }

    @Override
    public String toString() {
      return "bridge " + id + " from node " + front;
    }
  }
}
