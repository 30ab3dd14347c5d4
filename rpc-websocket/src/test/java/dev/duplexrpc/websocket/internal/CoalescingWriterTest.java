package dev.duplexrpc.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.internal.ReplyGathering;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The writer that gathers a read's frames keeps the order of the writes on the wire: frames from
 * another thread, control frames and large frames first write out what the reading thread
 * gathered.
 */
class CoalescingWriterTest {
  private final ExecutorService producer = Executors.newSingleThreadExecutor();
  private final Recorder socket = new Recorder();
  private final Link link = new Link();
  private final CoalescingWriter writer = new CoalescingWriter(socket, link);

  @AfterEach
  void stopProducer() {
    producer.shutdownNow();
  }

  /** Records each write the socket gets; completes them at once unless told to hold them. */
  static final class Recorder extends Writer {
    final List<byte[]> writes = new ArrayList<>();
    final List<CompletionHandler<ByteBuffer>> held = new ArrayList<>();
    volatile boolean hold;

    @Override
    public synchronized void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> handler) {
      byte[] b = new byte[buffer.remaining()];
      buffer.get(b);
      writes.add(b);
      if (hold) {
        held.add(handler);
      } else if (handler != null) {
        handler.completed(buffer);
      }
    }

    /** Every byte written so far, in order. */
    synchronized byte[] wire() {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] b : writes) {
        all.write(b, 0, b.length);
      }
      return all.toByteArray();
    }

    synchronized int count() {
      return writes.size();
    }

    @Override
    public void close() {}
  }

  /** An unmasked text frame (a server's), as Tyrus hands it to the writer. */
  static ByteBuffer text(String payload) {
    return frame(0x81, payload.getBytes(StandardCharsets.UTF_8));
  }

  static ByteBuffer frame(int first, byte[] payload) {
    int n = payload.length;
    ByteBuffer f = ByteBuffer.allocate(n + 10);
    f.put((byte) first);
    if (n < 126) {
      f.put((byte) n);
    } else if (n < 65536) {
      f.put((byte) 126).putShort((short) n);
    } else {
      f.put((byte) 127).putLong(n);
    }
    return f.put(payload).flip();
  }

  static byte[] bytes(ByteBuffer... frames) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (ByteBuffer f : frames) {
      ByteBuffer d = f.duplicate();
      byte[] b = new byte[d.remaining()];
      d.get(b);
      all.write(b, 0, b.length);
    }
    return all.toByteArray();
  }

  /** Writes a frame, returning the stage its completion handler completes. */
  CompletableFuture<Void> write(ByteBuffer frame) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    writer.write(frame, new CompletionHandler<>() {
      @Override
      public void completed(ByteBuffer result) {
        done.complete(null);
      }

      @Override
      public void failed(Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  @Test
  void framesOfOneReadLeaveInOneWriteWhenTheReadEnds() {
    ByteBuffer a = text("a");
    ByteBuffer b = text("b");
    link.beginRead();
    CompletableFuture<Void> aDone = write(a.duplicate());
    CompletableFuture<Void> bDone = write(b.duplicate());
    assertTrue(aDone.isDone() && bDone.isDone(), "a gathered frame counts as written at once");
    assertEquals(0, socket.count(), "nothing is written inside the read");
    link.endRead();
    assertEquals(1, socket.count());
    assertEquals(new String(bytes(a, b), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  /**
   * A request drainer's replies: held while its gathering is open, written as one buffer when it
   * flushes; a frame the same thread sends with the gathering closed (a handler's own call) first
   * writes out what was held.
   */
  @Test
  void repliesSentWithADrainersGatheringOpenLeaveInOneWriteWhenItFlushes() {
    ReplyGathering gathering = new ReplyGathering();
    ByteBuffer a = text("reply 1");
    ByteBuffer b = text("reply 2");
    ByteBuffer c = text("reply 3");
    ByteBuffer call = text("a handler's call");
    ReplyGathering previous = gathering.open();
    CompletableFuture<Void> aDone = write(a.duplicate());
    write(b.duplicate());
    ReplyGathering.close(previous);
    assertTrue(aDone.isDone(), "a gathered frame counts as written at once");
    assertEquals(0, socket.count(), "held until the drainer flushes");
    gathering.flush();
    assertEquals(1, socket.count(), "both replies in one write");
    previous = gathering.open();
    write(c.duplicate());
    ReplyGathering.close(previous);
    write(call.duplicate());
    assertEquals(3, socket.count(), "the held reply, then the call");
    gathering.flush(); // nothing held any more
    assertEquals(3, socket.count());
    assertEquals(new String(bytes(a, b, c, call), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void frameFromAnotherThreadFirstWritesOutWhatTheReadGathered() throws Exception {
    ByteBuffer gathered = text("item 1");
    ByteBuffer other = text("item 2");
    ByteBuffer after = text("item 3");
    link.beginRead();
    write(gathered.duplicate());
    producer.submit(() -> write(other.duplicate())).get(10, TimeUnit.SECONDS);
    write(after.duplicate()); // the read goes on: gathered again
    link.endRead();
    assertEquals(new String(bytes(gathered, other, after), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void writesAlternatingBetweenTheReadingThreadAndAProducerKeepTheirOrder() throws Exception {
    int items = 200;
    // Each side writes one item, then hands the turn to the other: the writes' order is 0..items-1.
    SynchronousQueue<Integer> toProducer = new SynchronousQueue<>();
    SynchronousQueue<Integer> toReader = new SynchronousQueue<>();
    CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 1; i < items; i += 2) {
          int turn = toProducer.poll(10, TimeUnit.SECONDS);
          write(text("item " + turn));
          if (turn + 1 < items) {
            toReader.offer(turn + 1, 10, TimeUnit.SECONDS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, producer);
    List<ByteBuffer> expected = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      expected.add(text("item " + i));
    }
    link.beginRead();
    for (int i = 0; i < items; i += 2) {
      write(text("item " + i));
      assertTrue(toProducer.offer(i + 1, 10, TimeUnit.SECONDS), "producer took its turn");
      if (i + 2 < items) {
        Integer next = toReader.poll(10, TimeUnit.SECONDS);
        assertEquals(i + 2, next);
      }
    }
    produced.get(10, TimeUnit.SECONDS);
    link.endRead();
    assertEquals(new String(bytes(expected.toArray(new ByteBuffer[0])), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void controlFrameFirstWritesOutWhatWasGathered() {
    ByteBuffer data = text("reply");
    ByteBuffer close = frame(0x88, new byte[] {0x03, (byte) 0xE8}); // close, 1000
    link.beginRead();
    write(data.duplicate());
    write(close.duplicate());
    assertEquals(2, socket.count(), "the control frame went out inside the read, after the gathered one");
    link.endRead();
    assertEquals(2, socket.count(), "nothing was left gathered");
    assertEquals(new String(bytes(data, close), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void frameOver16KibPassesThroughAndCompletesOnlyWhenWritten() {
    ByteBuffer small = text("small");
    ByteBuffer large = frame(0x81, new byte[CoalescingWriter.MAX_GATHERED_FRAME + 1]);
    assertTrue(large.remaining() > CoalescingWriter.MAX_GATHERED_FRAME);
    link.beginRead();
    write(small.duplicate());
    socket.hold = true;
    CompletableFuture<Void> largeDone = write(large.duplicate());
    assertEquals(2, socket.count(), "gathered frame, then the large one, inside the read");
    assertFalse(largeDone.isDone(), "a passed-through frame completes when the socket wrote it");
    // The gathered write has not completed either (the socket is full): the next small frame
    // passes through too, so the send-queue limit sees it.
    CompletableFuture<Void> nextDone = write(text("next").duplicate());
    assertEquals(3, socket.count());
    assertFalse(nextDone.isDone());
    link.endRead();
    List<CompletionHandler<ByteBuffer>> held;
    synchronized (socket) {
      held = new ArrayList<>(socket.held);
    }
    for (CompletionHandler<ByteBuffer> h : held) {
      h.completed(null);
    }
    assertTrue(largeDone.isDone() && nextDone.isDone());
    assertEquals(new String(bytes(small, large, text("next")), StandardCharsets.ISO_8859_1),
        new String(socket.wire(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void framesOutsideAReadPassStraightThrough() {
    CompletableFuture<Void> done = write(text("alone"));
    assertEquals(1, socket.count());
    assertTrue(done.isDone());
  }
}
