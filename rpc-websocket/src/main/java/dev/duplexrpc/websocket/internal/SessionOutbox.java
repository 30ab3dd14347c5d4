package dev.duplexrpc.websocket.internal;

import jakarta.websocket.Session;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages on their way into a session, written one at a time, and the bytes they hold. Jakarta
 * WebSocket lets a container refuse a send while another is still being written ({@code
 * IllegalStateException}; Apache Tomcat does, Tyrus and Jetty queue), so the next message goes to
 * the session only when the previous one's send completed. Whichever sender finds the outbox empty
 * starts writing; the others return at once. A send that completes within {@code sendText}
 * (Tyrus, when the socket takes the bytes at once) lets the writing thread go on to the next
 * message in a loop; one that completes later goes on from the completion callback. Thread-safe.
 */
final class SessionOutbox {
  /** A message waiting in the outbox, with the stage its sender was given. */
  private record Outgoing(String text, CompletableFuture<Void> sent, long bytes) {}

  private final Session session;
  private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outboxSize = new AtomicInteger(); // queued plus the one being written
  private final AtomicLong queuedBytes = new AtomicLong();

  SessionOutbox(Session session) {
    this.session = session;
  }

  /** Bytes handed to the outbox and not yet written. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /**
   * Counts {@code bytes} more as queued.
   *
   * @return the bytes queued now, these included
   */
  long reserve(long bytes) {
    return queuedBytes.addAndGet(bytes);
  }

  /** Takes back a {@link #reserve} whose message is not sent after all. */
  void unreserve(long bytes) {
    queuedBytes.addAndGet(-bytes);
  }

  /**
   * Queues a message whose {@code bytes} were {@linkplain #reserve reserved}, and writes it now if
   * nothing else is being written.
   */
  void add(String text, CompletableFuture<Void> sent, long bytes) {
    outbox.add(new Outgoing(text, sent, bytes));
    if (outboxSize.getAndIncrement() == 0) {
      writeFromOutbox();
    }
  }

  /** Writes queued messages one at a time; run by the one thread that owns the outbox. */
  private void writeFromOutbox() {
    while (true) {
      Outgoing o = outbox.poll();
      // 0: being written; 1: completed before write() returned; 2: write() returned first.
      AtomicInteger state = new AtomicInteger();
      write(o, () -> {
        if (!state.compareAndSet(0, 1)) { // write() already returned: this callback carries on
          if (outboxSize.decrementAndGet() != 0) {
            writeFromOutbox();
          }
        }
      });
      if (state.compareAndSet(0, 2)) {
        return; // the callback will carry on
      }
      if (outboxSize.decrementAndGet() == 0) {
        return;
      }
    }
  }

  private void write(Outgoing o, Runnable next) {
    try {
      session.getAsyncRemote().sendText(o.text(), result -> {
        queuedBytes.addAndGet(-o.bytes());
        if (result.isOK()) {
          o.sent().complete(null);
        } else {
          Throwable e = result.getException();
          o.sent().completeExceptionally(e != null ? e : new IOException("send failed"));
        }
        next.run();
      });
    } catch (RuntimeException e) { // IllegalStateException once the session closed under us
      queuedBytes.addAndGet(-o.bytes());
      o.sent().completeExceptionally(e);
      next.run();
    }
  }
}
