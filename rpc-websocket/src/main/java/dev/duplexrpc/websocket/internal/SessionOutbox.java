package dev.duplexrpc.websocket.internal;

import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Messages on their way into a session, written one at a time, and the bytes they hold. Jakarta
 * WebSocket lets a container refuse a send while another is still being written ({@code
 * IllegalStateException}; Apache Tomcat does, Tyrus and Jetty queue), so the next message goes to
 * the session only when the previous one's send completed. Whichever sender finds the outbox empty
 * starts writing; the others return at once. A send that completes within {@code sendText}
 * (Tyrus, when the socket takes the bytes at once) lets the writing thread go on to the next
 * message in a loop; one that completes later goes on from the completion callback. Thread-safe.
 * An idle connection's outbox is this one object: the queue is made by the first send, and the
 * counts are fields of the outbox.
 */
final class SessionOutbox {
  /** A message waiting in the outbox, with the stage its sender was given. */
  private record Outgoing(String text, CompletableFuture<Void> sent, long bytes) {}

  private static final VarHandle OUTBOX;
  private static final VarHandle OUTBOX_SIZE;
  private static final VarHandle QUEUED_BYTES;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      OUTBOX = l.findVarHandle(SessionOutbox.class, "outbox", ConcurrentLinkedQueue.class);
      OUTBOX_SIZE = l.findVarHandle(SessionOutbox.class, "outboxSize", int.class);
      QUEUED_BYTES = l.findVarHandle(SessionOutbox.class, "queuedBytes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Session session;
  private volatile ConcurrentLinkedQueue<Outgoing> outbox; // made by the first send
  private volatile int outboxSize; // queued plus the one being written
  private volatile long queuedBytes;

  SessionOutbox(Session session) {
    this.session = session;
  }

  /** Bytes handed to the outbox and not yet written. */
  long queuedBytes() {
    return queuedBytes;
  }

  /**
   * Counts {@code bytes} more as queued.
   *
   * @return the bytes queued now, these included
   */
  long reserve(long bytes) {
    return (long) QUEUED_BYTES.getAndAdd(this, bytes) + bytes;
  }

  /** Takes back a {@link #reserve} whose message is not sent after all. */
  void unreserve(long bytes) {
    QUEUED_BYTES.getAndAdd(this, -bytes);
  }

  /**
   * Queues a message whose {@code bytes} were {@linkplain #reserve reserved}, and writes it now if
   * nothing else is being written.
   */
  void add(String text, CompletableFuture<Void> sent, long bytes) {
    queue().add(new Outgoing(text, sent, bytes));
    if ((int) OUTBOX_SIZE.getAndAdd(this, 1) == 0) {
      writeFromOutbox();
    }
  }

  @SuppressWarnings("unchecked")
  private ConcurrentLinkedQueue<Outgoing> queue() {
    ConcurrentLinkedQueue<Outgoing> q = outbox;
    if (q == null) {
      ConcurrentLinkedQueue<Outgoing> made = new ConcurrentLinkedQueue<>();
      q = (ConcurrentLinkedQueue<Outgoing>) OUTBOX.compareAndExchange(this, null, made);
      if (q == null) {
        q = made;
      }
    }
    return q;
  }

  /** Writes queued messages one at a time; run by the one thread that owns the outbox. */
  private void writeFromOutbox() {
    while (true) {
      Outgoing o = outbox.poll(); // made by the add that started this writer
      // 0: being written; 1: completed before write() returned; 2: write() returned first.
      AtomicInteger state = new AtomicInteger();
      write(o, () -> {
        if (!state.compareAndSet(0, 1)) { // write() already returned: this callback carries on
          if ((int) OUTBOX_SIZE.getAndAdd(this, -1) != 1) {
            writeFromOutbox();
          }
        }
      });
      if (state.compareAndSet(0, 2)) {
        return; // the callback will carry on
      }
      if ((int) OUTBOX_SIZE.getAndAdd(this, -1) == 1) {
        return;
      }
    }
  }

  private void write(Outgoing o, Runnable next) {
    try {
      session.getAsyncRemote().sendText(o.text(), result -> {
        QUEUED_BYTES.getAndAdd(this, -o.bytes());
        if (result.isOK()) {
          o.sent().complete(null);
        } else {
          Throwable e = result.getException();
          o.sent().completeExceptionally(e != null ? e : new IOException("send failed"));
        }
        next.run();
      });
    } catch (RuntimeException e) { // IllegalStateException once the session closed under us
      QUEUED_BYTES.getAndAdd(this, -o.bytes());
      o.sent().completeExceptionally(e);
      next.run();
    }
  }
}
