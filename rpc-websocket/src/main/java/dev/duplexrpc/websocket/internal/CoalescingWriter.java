package dev.duplexrpc.websocket.internal;

import dev.duplexrpc.core.internal.ReplyGathering;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Writes the data frames sent on a connection's reading thread during one read as one buffer when
 * the read is over, so that the replies one read produced (handlers in direct mode answer there)
 * leave in one write instead of one each. Likewise the replies that the core's request drainers
 * send while a {@link ReplyGathering} is open, written when a drainer flushes it. Each gathered frame counts as written when it is
 * gathered, as a frame handed to Grizzly's write queue does, so the sender goes on to the next.
 * Everything else passes through, after what was gathered so far: frames from other threads,
 * frames outside a read, and control frames (close, ping, pong). So the order on the wire is the
 * order of the writes, also across threads (a stream's items sent partly on the reading thread and
 * partly on the producer's must not overtake each other).
 *
 * <p>Gathering never hides back-pressure: a frame over {@link #MAX_GATHERED_FRAME} bytes, and
 * every frame while the last gathered write has not completed (the socket is full: the other end
 * is not reading), passes straight through, completing only when written, so the session
 * transport's send-queue limit still applies; at most {@link #MAX_GATHERED} bytes are gathered
 * before they are written. A gathered write that fails drops the connection: frames its senders
 * were told were sent are lost.
 */
public final class CoalescingWriter extends Writer {
  private static final System.Logger LOG = System.getLogger(CoalescingWriter.class.getName());

  /** The largest frame gathered; larger ones are written on their own. */
  static final int MAX_GATHERED_FRAME = 16 * 1024;
  /** The most bytes gathered before they are written, even inside a read. */
  static final int MAX_GATHERED = 64 * 1024;

  private final Writer delegate;
  private final Link link;
  private final Object lock = new Object(); // guards gathered, and keeps the order of writes
  private List<ByteBuffer> gathered; // filled by the reading thread and request drainers
  private int gatheredBytes;
  private boolean readFlushes; // the reading thread's read will flush when it ends
  private boolean drainerFlushes; // a request drainer will flush
  private volatile boolean writing; // a gathered write has not completed yet

  /**
   * @param delegate the connection's writer
   * @param link the connection's link, which says when this thread reads it and when that ends
   */
  public CoalescingWriter(Writer delegate, Link link) {
    this.delegate = delegate;
    this.link = link;
  }

  @Override
  public void write(ByteBuffer frame, CompletionHandler<ByteBuffer> handler) {
    boolean reading = link.readingHere();
    ReplyGathering drainer = reading ? null : ReplyGathering.current();
    synchronized (lock) {
      if ((!reading && drainer == null) || isControl(frame) || frame.remaining() > MAX_GATHERED_FRAME
          || writing) {
        flush(); // what was gathered goes first
        delegate.write(frame, handler);
        return;
      }
      if (gathered == null) {
        gathered = new ArrayList<>();
      }
      if (reading && !readFlushes) {
        readFlushes = link.afterRead(this::readEnded);
      } else if (drainer != null && !drainerFlushes) {
        drainerFlushes = true;
        drainer.onFlush(this::drainerFlushed);
      }
      ByteBuffer copy = ByteBuffer.allocate(frame.remaining()).put(frame).flip(); // theirs to reuse
      gathered.add(copy);
      gatheredBytes += copy.remaining();
      if (handler != null) {
        handler.completed(frame);
      }
      if (gatheredBytes >= MAX_GATHERED) {
        flush(); // what the read gathers next goes in a list of its own, written when it ends
      }
    }
  }

  /** The read is over: writes what was gathered; the next read registers anew. */
  private void readEnded() {
    synchronized (lock) {
      readFlushes = false;
      flush();
    }
  }

  /** A request drainer flushed: writes what was gathered; the next reply registers anew. */
  private void drainerFlushed() {
    synchronized (lock) {
      drainerFlushes = false;
      flush();
    }
  }

  /** Writes what was gathered so far, as one buffer; holding the lock. */
  private void flush() {
    List<ByteBuffer> frames = gathered;
    if (frames == null || frames.isEmpty()) {
      return;
    }
    gathered = null;
    gatheredBytes = 0;
    ByteBuffer all;
    if (frames.size() == 1) {
      all = frames.get(0);
    } else {
      int size = 0;
      for (ByteBuffer b : frames) {
        size += b.remaining();
      }
      all = ByteBuffer.allocate(size);
      for (ByteBuffer b : frames) {
        all.put(b);
      }
      all.flip();
    }
    writing = true;
    delegate.write(all, new CompletionHandler<>() {
      @Override
      public void completed(ByteBuffer written) {
        writing = false;
      }

      @Override
      public void failed(Throwable t) {
        writing = false;
        LOG.log(Level.DEBUG, "Dropping the connection: gathered frames not written: {0}", t);
        link.abort();
      }

      @Override
      public void cancelled() {
        failed(new IOException("write cancelled"));
      }
    });
  }

  /** Whether a whole frame's opcode is a control frame's (close, ping, pong: 0x8 and up). */
  private static boolean isControl(ByteBuffer frame) {
    return frame.remaining() > 0 && (frame.get(frame.position()) & 0x08) != 0;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
