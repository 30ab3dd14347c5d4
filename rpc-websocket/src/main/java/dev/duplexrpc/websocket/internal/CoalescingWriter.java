package dev.duplexrpc.websocket.internal;

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
 * leave in one write instead of one each. Each gathered frame counts as written when it is
 * gathered, as a frame handed to Grizzly's write queue does, so the sender goes on to the next.
 * Everything else passes straight through: frames from other threads, frames outside a read, and
 * control frames (close, ping, pong), which first write out what was gathered, so the order on
 * the wire is the order of the writes.
 */
public final class CoalescingWriter extends Writer {
  private static final System.Logger LOG = System.getLogger(CoalescingWriter.class.getName());

  private final Writer delegate;
  private final Link link;
  private List<ByteBuffer> gathered; // touched by the reading thread only, inside a read

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
    if (!link.readingHere()) {
      delegate.write(frame, handler);
      return;
    }
    if (isControl(frame)) {
      flush();
      delegate.write(frame, handler);
      return;
    }
    if (gathered == null) {
      gathered = new ArrayList<>();
      link.afterRead(this::flush);
    }
    ByteBuffer copy = ByteBuffer.allocate(frame.remaining()).put(frame).flip(); // theirs to reuse
    gathered.add(copy);
    if (handler != null) {
      handler.completed(frame);
    }
  }

  /** Writes what was gathered, as one buffer; on the reading thread. */
  private void flush() {
    List<ByteBuffer> frames = gathered;
    gathered = null;
    if (frames == null || frames.isEmpty()) {
      return;
    }
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
    delegate.write(all, new CompletionHandler<>() {
      @Override
      public void failed(Throwable t) {
        LOG.log(Level.DEBUG, "Gathered frames not written: {0}", t);
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
