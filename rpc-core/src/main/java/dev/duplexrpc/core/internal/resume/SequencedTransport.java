package dev.duplexrpc.core.internal.resume;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.Defaults;
import dev.duplexrpc.core.internal.Utf8;
import dev.duplexrpc.core.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;

/**
 * The sequence layer of a resumable session: the one transport a Peer sees for the whole session,
 * while the sockets under it (links) come and go.
 *
 * <p>Numbering is implicit: each side counts the messages it sends and receives after the session
 * starts, from 1, control messages ({@link Control}) excluded, so no member is added to a JSON-RPC
 * message. Every sent message stays in a {@link ReplayBuffer} until the other side acknowledges it
 * ({@code rpc.ack}, coalesced: after {@link SessionSettings#ackEvery()} messages or {@link
 * SessionSettings#ackInterval()}). When a link drops, the {@link Owner} decides: keep the session
 * (the Peer sees nothing; sends are buffered) or {@link #close end it}. {@link #attach} puts a new
 * link under the session and replays exactly what the other side reported it has not received, so
 * nothing is lost and nothing arrives twice; messages of a replaced link are dropped.
 *
 * <p>A send that does not fit in the buffer waits, in order, for acknowledgements, at most {@link
 * SessionSettings#sendWait()}; then its stage fails with an {@link RpcException} of code {@link
 * ErrorCodes#REPLAY_BUFFER_FULL}.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. Received messages reach the Peer one at a time, in order, on the current link's
 * thread. Lock order: {@code in} (receiving side) before {@code out} (sending side).
 */
public final class SequencedTransport implements Transport {
  private static final System.Logger LOG = System.getLogger(SequencedTransport.class.getName());
  private static final Listener IGNORE = new Listener() {
    @Override
    public void onMessage(String message) {}

    @Override
    public void onClose(int code, String reason) {}
  };

  /** Who decides what a dropped link means. */
  public interface Owner {
    /**
     * The current link dropped; the session is detached. Keep it for a resume, or {@link
     * SequencedTransport#close} it. Called once per link, on the link's thread.
     */
    void linkLost(SequencedTransport session, int code, String reason);

    /** The session ended (closed by the Peer or by the owner). Called once. */
    default void ended(SequencedTransport session) {}

    /**
     * The first message arrived on a newly attached link: the other side has the handshake's
     * answer. Called once per link, on its thread.
     */
    default void linkConfirmed(SequencedTransport session) {}
  }

  private record Waiting(String text, long size, CompletableFuture<Void> future, ScheduledFuture<?>[] timer) {}

  private final SessionSettings settings;
  private final String subprotocol;
  private final Owner owner;
  private final CompletableFuture<Listener> peer = new CompletableFuture<>();
  private final AtomicBoolean closeDelivered = new AtomicBoolean();
  private final Object in = new Object();
  private final Object out = new Object();

  private final ReplayBuffer buffer; // guarded by out
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // guarded by out
  // What the current link has not been handed yet, in order; handed over by flush(), outside the
  // locks: a socket's send may close it on the spot, and its close handling must not wait for us.
  private final ArrayDeque<String> unsent = new ArrayDeque<>(); // guarded by out
  private boolean flushing; // guarded by out
  private Handover link; // written under in and out
  private volatile Handover lastLink; // the current link, or the last one while detached
  private boolean closed; // written under in and out
  private long received; // guarded by in
  private long acked; // guarded by in
  private ScheduledFuture<?> ackTimer; // guarded by in

  /**
   * A detached session: sends are buffered until {@link #attach}.
   *
   * @param settings buffer, wait and acknowledgement settings
   * @param subprotocol what the first link's handshake agreed
   * @param owner decides what a dropped link means
   */
  public SequencedTransport(SessionSettings settings, String subprotocol, Owner owner) {
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.subprotocol = Objects.requireNonNull(subprotocol, "subprotocol == null");
    this.owner = Objects.requireNonNull(owner, "owner == null");
    this.buffer = new ReplayBuffer(settings.bufferBytes());
  }

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    if (!peer.complete(listener)) {
      throw new IllegalStateException("transport already started");
    }
  }

  /**
   * Puts {@code next} under the session: the replaced link (if any) is closed and ignored from now
   * on, {@code answer} (if not null) is sent with this side's received count, then every buffered
   * message after {@code peerReceived}, then what waited for room.
   *
   * @param next a started link whose messages go through a handover
   * @param peerReceived how many of this side's messages the other side has received
   * @param answer the handshake message to send first, given this side's received count; or null
   * @return false if the session is closed, or if {@code peerReceived} does not fit what was sent
   *     (the other side is not this session's): nothing was sent and {@code next} is untouched
   */
  public boolean attach(Handover next, long peerReceived, LongFunction<String> answer) {
    Objects.requireNonNull(next, "next == null");
    Handover old;
    List<CompletableFuture<Void>> done;
    synchronized (in) {
      synchronized (out) {
        List<String> replay = closed ? null : buffer.after(peerReceived);
        if (replay == null) {
          return false;
        }
        old = link;
        if (old != null) {
          old.to(IGNORE);
        }
        buffer.acknowledge(peerReceived);
        unsent.clear(); // buffered: what the other side lacks is in the replay
        // The handshake's answer first, or (on the side that got one) an acknowledgement, which
        // tells the other side at once that its answer arrived.
        unsent.add(answer != null ? answer.apply(received) : Control.ack(received));
        unsent.addAll(replay);
        link = next;
        lastLink = next;
        next.to(new LinkListener(next));
        done = drain();
      }
    }
    if (old != null) {
      old.link().close(1001, "replaced by a resumed link");
    }
    flush();
    done.forEach(f -> f.complete(null));
    return true;
  }

  @Override
  public CompletionStage<Void> send(String message) {
    Objects.requireNonNull(message, "message == null");
    long size = Utf8.length(message);
    synchronized (out) {
      if (closed) {
        return CompletableFuture.failedFuture(new IOException("session is closed"));
      }
      if (!waiting.isEmpty() || !buffer.fits(size)) {
        if (settings.sendWait().isZero()) {
          return CompletableFuture.failedFuture(full());
        }
        Waiting w = new Waiting(message, size, new CompletableFuture<>(), new ScheduledFuture<?>[1]);
        waiting.addLast(w);
        w.timer()[0] = Defaults.timer().schedule(() -> expire(w), settings.sendWait().toNanos(), TimeUnit.NANOSECONDS);
        return w.future();
      }
      buffer.add(message, size);
      if (link == null) {
        return CompletableFuture.completedFuture(null);
      }
      unsent.add(message);
      if (flushing) {
        return CompletableFuture.completedFuture(null); // the flushing thread hands it over
      }
      flushing = true; // one lock per send: this thread hands over what is unsent
    }
    handOver();
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Hands what is unsent to the current link, in order, outside the locks; one thread at a time
   * (the others leave their messages to it). A send that fails shows as the link's close.
   */
  private void flush() {
    synchronized (out) {
      if (flushing) {
        return;
      }
      flushing = true;
    }
    handOver();
  }

  /**
   * The flushing thread's loop: takes everything unsent in one step and hands it to the link the
   * messages were queued for, until nothing is left. Messages taken for a link that is replaced or
   * lost meanwhile go to that dead link and are dropped there: they are in the buffer, and the
   * next link's replay has them. Sending them with one lock per batch, not per message, keeps the
   * threads that queue replies from queuing up behind the one that sends them.
   */
  private void handOver() { // flushing is set by this thread
    boolean done = false;
    String[] batch = new String[0];
    try {
      while (true) {
        Handover h;
        int n;
        synchronized (out) {
          h = link;
          n = unsent.size();
          if (n == 0 || h == null) {
            unsent.clear();
            flushing = false;
            done = true;
            return;
          }
          if (batch.length < n) {
            batch = new String[Math.max(n, 8)];
          }
          for (int i = 0; i < n; i++) {
            batch[i] = unsent.poll();
          }
        }
        Transport socket = h.link();
        for (int i = 0; i < n; i++) {
          String text = batch[i];
          batch[i] = null;
          socket.send(text);
        }
      }
    } finally {
      if (!done) {
        synchronized (out) {
          flushing = false;
        }
      }
    }
  }

  /** Ends the session: closes the link, fails waiting sends, and tells the Peer. Idempotent. */
  @Override
  public void close(int code, String reason) {
    Handover h;
    List<Waiting> failed;
    synchronized (in) {
      synchronized (out) {
        if (closed) {
          return;
        }
        closed = true;
        h = link;
        link = null;
        unsent.clear();
        failed = new ArrayList<>(waiting);
        waiting.clear();
      }
      cancelAckTimer();
    }
    if (h != null) {
      h.to(IGNORE);
      h.link().close(code, reason);
    }
    for (Waiting w : failed) {
      w.timer()[0].cancel(false);
      w.future().completeExceptionally(new IOException("session is closed"));
    }
    deliverClose(code, reason == null ? "" : reason);
    owner.ended(this);
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  /** The bytes the current socket has queued to send (the replay buffer is {@link #unacknowledgedBytes()}). */
  @Override
  public long queuedBytes() {
    Handover h = lastLink;
    return h == null || !isAttached() ? 0 : h.link().queuedBytes();
  }

  /** The current socket's, or the last one's while detached. */
  @Override
  public InetSocketAddress remoteAddress() {
    Handover h = lastLink;
    return h == null ? null : h.link().remoteAddress();
  }

  /** The current socket's, or the last one's while detached. */
  @Override
  public InetSocketAddress serverAddress() {
    Handover h = lastLink;
    return h == null ? null : h.link().serverAddress();
  }

  /** How many numbered messages this side has received. */
  public long received() {
    synchronized (in) {
      return received;
    }
  }

  /** How many numbered messages this side has sent (or buffered to send). */
  public long sent() {
    synchronized (out) {
      return buffer.lastSeq();
    }
  }

  /** The UTF-8 bytes of sent messages not yet acknowledged. */
  public long unacknowledgedBytes() {
    synchronized (out) {
      return buffer.bytes();
    }
  }

  /** Whether a link is under the session now. */
  public boolean isAttached() {
    synchronized (out) {
      return link != null;
    }
  }

  /** Whether the session has ended. */
  public boolean isClosed() {
    synchronized (out) {
      return closed;
    }
  }

  @Override
  public String toString() {
    Handover h;
    synchronized (out) {
      h = link;
    }
    return "SequencedTransport[" + (h == null ? "detached" : h.toString()) + "]";
  }

  private RpcException full() {
    JsonObject data = new JsonObject();
    data.addProperty("reason", "the other end has not acknowledged " + buffer.bytes()
        + " bytes, the buffer's limit is " + settings.bufferBytes());
    return new RpcException(ErrorCodes.REPLAY_BUFFER_FULL, null, data);
  }

  private void expire(Waiting w) {
    RpcException e;
    synchronized (out) {
      if (!waiting.remove(w)) {
        return;
      }
      e = full();
    }
    w.future().completeExceptionally(e);
  }

  /** Moves waiting sends that now fit into the buffer; returns their futures to complete. */
  private List<CompletableFuture<Void>> drain() { // holds out
    List<CompletableFuture<Void>> done = new ArrayList<>();
    while (!waiting.isEmpty() && buffer.fits(waiting.peekFirst().size())) {
      Waiting w = waiting.pollFirst();
      w.timer()[0].cancel(false);
      buffer.add(w.text(), w.size());
      if (link != null) {
        unsent.add(w.text());
      }
      done.add(w.future());
    }
    return done;
  }

  private void acknowledged(long n) {
    List<CompletableFuture<Void>> done;
    synchronized (out) {
      if (!buffer.acknowledge(n)) {
        return;
      }
      done = drain();
    }
    flush();
    done.forEach(f -> f.complete(null));
  }

  /** Queues an acknowledgement of what was received; the caller flushes. Holds in. */
  private void queueAck(Handover h) {
    acked = received;
    synchronized (out) {
      if (link == h) {
        unsent.add(Control.ack(received));
      }
    }
  }

  private void cancelAckTimer() { // holds in
    if (ackTimer != null) {
      ackTimer.cancel(false);
      ackTimer = null;
    }
  }

  private void ackLater() {
    synchronized (in) {
      ackTimer = null;
      Handover h;
      synchronized (out) {
        h = link;
      }
      if (h != null && received > acked) {
        queueAck(h);
      }
    }
    flush();
  }

  private void deliverClose(int code, String reason) {
    if (closeDelivered.compareAndSet(false, true)) {
      peer.thenAccept(l -> l.onClose(code, reason));
    }
  }

  /** Receives one link's messages while it is the current one. */
  private final class LinkListener implements Listener {
    private final Handover own;
    private boolean confirmed; // only on the link's thread

    LinkListener(Handover own) {
      this.own = own;
    }

    @Override
    public void onMessage(String message) {
      if (!confirmed) {
        confirmed = true;
        owner.linkConfirmed(SequencedTransport.this);
      }
      Control.Message c = Control.parse(message);
      if (c != null) {
        if (Control.ACK.equals(c.method())) {
          acknowledged(c.longParam("received"));
        } else {
          LOG.log(Level.DEBUG, "Ignoring {0} on an established session {1}", c.method(), own);
        }
        return;
      }
      synchronized (in) {
        if (link != own) {
          return; // replaced: the new link replays it
        }
        received++;
        // The acknowledgement goes before the Peer sees the message, so it precedes any answer.
        // A timer already set stays: it fires within the interval of this message too, and
        // acknowledges only if something is unacknowledged then. Cancelling it on every count
        // acknowledgement and setting a new one on the next message woke the timer thread once
        // per ackEvery messages.
        if (received - acked >= settings.ackEvery()) {
          queueAck(own);
          flush();
        } else if (ackTimer == null) {
          ackTimer = Defaults.timer().schedule(
              SequencedTransport.this::ackLater, settings.ackInterval().toNanos(), TimeUnit.NANOSECONDS);
        }
        peer.join().onMessage(message);
      }
    }

    @Override
    public void onClose(int code, String reason) {
      synchronized (in) {
        synchronized (out) {
          if (link != own) {
            return;
          }
          link = null;
          unsent.clear();
        }
        cancelAckTimer();
      }
      owner.linkLost(SequencedTransport.this, code, reason);
    }
  }
}
