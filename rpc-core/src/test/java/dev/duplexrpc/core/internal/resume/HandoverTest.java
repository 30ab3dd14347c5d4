package dev.duplexrpc.core.internal.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A socket handed from its greeting to its next owner loses and reorders nothing. */
class HandoverTest {

  /** Records messages and the close, in order. */
  private static final class Recorder implements Transport.Listener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(String message) {
      events.add(message);
    }

    @Override
    public void onClose(int code, String reason) {
      events.add("close " + code);
    }

    String next() throws InterruptedException {
      return events.poll(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void heldMessagesGoFirstAndInOrderToTheNextOwner() throws Exception {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Handover h = new Handover(pair.second());
    Recorder greeting = new Recorder();
    h.start(new Transport.Listener() {
      @Override
      public void onMessage(String message) {
        h.hold(message + " again"); // the greeting's message, kept for the next owner
        greeting.onMessage(message);
      }

      @Override
      public void onClose(int code, String reason) {
        greeting.onClose(code, reason);
      }
    });
    pair.first().send("hello");
    assertEquals("hello", greeting.next());
    pair.first().send("a");
    pair.first().send("b");
    pair.first().close(1006, "lost");

    Recorder owner = new Recorder();
    h.to(owner);
    h.release();
    assertEquals("hello again", owner.next());
    assertEquals("a", owner.next());
    assertEquals("b", owner.next());
    assertEquals("close 1006", owner.next());
    assertNull(greeting.events.poll());
  }
}
