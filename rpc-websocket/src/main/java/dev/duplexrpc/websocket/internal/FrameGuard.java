package dev.duplexrpc.websocket.internal;

import dev.duplexrpc.core.internal.EventCounters;
import jakarta.websocket.CloseReason;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Stands between a Tyrus connection and its frame parser and closes the connection with 1009
 * (message too big) when a data frame announces more payload than the limit, before Tyrus buffers
 * it.
 *
 * <p>Tyrus keeps a whole frame in its incoming buffer; a frame bigger than that buffer makes it
 * close with 1011 ("Buffer overflow"), not 1009. The library sizes that buffer from its message
 * limit ({@link Limits#incomingBufferSize}), and this guard refuses the larger frames by their
 * header, so every over-size message closes with 1009 whatever its size. It adds up the fragments
 * of a fragmented message the same way. Tyrus's own message-size limits are never reached (the
 * session's buffers are set above this limit): when Tyrus refuses an over-size message itself, it
 * keeps the closed session in its server engine for good (its component provider re-registers the
 * session after the close), a leak of one session per refusal.
 *
 * <p>Optionally it also enforces what Tyrus does not: client frames must be masked and server
 * frames not (1002), and binary messages are refused at their first header (1003).
 *
 * <p>The guard reads only frame headers (2 to 14 bytes) and skips payloads by count, so it costs
 * next to nothing. It runs on Tyrus's reading thread, one buffer at a time.
 */
public final class FrameGuard implements ReadHandler {
  private static final System.Logger LOG = System.getLogger(FrameGuard.class.getName());

  private final ReadHandler delegate;
  private final Consumer<CloseReason> closer;
  private final long maxPayload;
  private final Link link;
  private final Boolean masked;
  private final boolean refuseBinary;

  // Parser state, touched only by the reading thread.
  private final byte[] header = new byte[14];
  private int headerLength; // bytes of the current header read so far
  private long payloadLeft; // payload bytes of the current frame still to pass
  private boolean tripped;
  private long messageBytes; // payload of the data message being read, over its fragments

  private FrameGuard(ReadHandler delegate, Consumer<CloseReason> closer, long maxPayload, Link link,
      Boolean masked, boolean refuseBinary) {
    this.delegate = delegate;
    this.link = link;
    this.masked = masked;
    this.refuseBinary = refuseBinary;
    this.closer = closer;
    this.maxPayload = maxPayload;
  }

  /**
   * A connection whose read handler is guarded; an over-size frame closes it through {@code
   * connection.close}, which on the server sends the close frame and reports 1009 to the endpoint.
   *
   * @param connection the Tyrus connection
   * @param maxPayload the largest data-frame payload let through, in bytes
   * @return the wrapped connection
   */
  public static Connection guard(Connection connection, long maxPayload) {
    return guard(connection, maxPayload, connection::close, null, null, false);
  }

  /**
   * A connection whose read handler is guarded, with the way to close it on an over-size frame.
   *
   * @param connection the Tyrus connection
   * @param maxPayload the largest data-frame payload let through, in bytes
   * @param closer closes the connection with the given reason, sending a close frame
   * @param link the connection's link, told of every read (for the heartbeat), or null
   * @param masked whether every incoming frame must be masked (true on a server: RFC 6455 5.1
   *     requires clients to mask) or must not be (false on a client), or null not to check; a
   *     frame that breaks the rule closes the connection with 1002 (protocol error), which Tyrus
   *     itself does not do
   * @param refuseBinary whether a binary frame closes the connection with 1003 at its header
   *     (the library refuses binary messages; refusing them here keeps Tyrus from buffering them)
   * @return the wrapped connection
   */
  public static Connection guard(Connection connection, long maxPayload, Consumer<CloseReason> closer,
      Link link, Boolean masked, boolean refuseBinary) {
    FrameGuard guard = new FrameGuard(connection.getReadHandler(), closer, maxPayload, link, masked, refuseBinary);
    return new Connection() {
      @Override
      public ReadHandler getReadHandler() {
        return guard;
      }

      @Override
      public Writer getWriter() {
        return connection.getWriter();
      }

      @Override
      public CloseListener getCloseListener() {
        return connection.getCloseListener();
      }

      @Override
      public void close(CloseReason reason) {
        connection.close(reason);
      }
    };
  }

  @Override
  public void handle(ByteBuffer data) {
    if (link != null) {
      link.touch();
    }
    if (tripped) {
      data.position(data.limit());
      return;
    }
    int start = data.position();
    int limit = data.limit();
    int p = start;
    while (p < limit) {
      if (payloadLeft > 0) {
        long skip = Math.min(payloadLeft, limit - p);
        p += (int) skip;
        payloadLeft -= skip;
        continue;
      }
      header[headerLength++] = data.get(p++);
      int need = headerNeeded();
      if (headerLength < need) {
        continue;
      }
      long length = payloadLength();
      int opcode = header[0] & 0x0F;
      boolean frameMasked = (header[1] & 0x80) != 0;
      headerLength = 0;
      CloseReason refusal = null;
      if (masked != null && frameMasked != masked) {
        refusal = new CloseReason(CloseReason.CloseCodes.PROTOCOL_ERROR, masked
            ? "Protocol error: an unmasked frame from a client" : "Protocol error: a masked frame from a server");
      } else if (refuseBinary && opcode == 0x2) {
        refusal = new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary messages are not supported");
      } else if (opcode < 0x8) {
        // A data frame: the message's payload so far, over all its fragments, must fit the limit.
        messageBytes = opcode == 0x0 ? messageBytes + length : length;
        if (length > maxPayload || messageBytes > maxPayload) {
          String what = length > maxPayload ? "a frame of " + length : "a fragmented message of " + messageBytes;
          refusal = new CloseReason(CloseReason.CloseCodes.TOO_BIG,
              SessionTransport.truncate("Message too big: " + what + " bytes, over the limit of " + maxPayload));
        }
      }
      if (refusal != null) {
        // Hand Tyrus the complete frames before this one, then close.
        int frameStart = p - need;
        if (frameStart > start) {
          ByteBuffer before = data.duplicate();
          before.position(start).limit(frameStart);
          delegate.handle(before);
        }
        data.position(limit);
        tripped = true;
        LOG.log(Level.WARNING, "Closing connection: {0}", refusal.getReasonPhrase());
        EventCounters.TOO_LARGE.increment();
        closer.accept(refusal);
        return;
      }
      payloadLeft = length;
    }
    if (link == null) {
      delegate.handle(data);
      return;
    }
    link.beginRead();
    try {
      delegate.handle(data);
    } finally {
      link.endRead();
    }
  }

  /** How many header bytes the frame being read has, as far as the bytes read so far tell. */
  private int headerNeeded() {
    if (headerLength < 2) {
      return 2;
    }
    int code = header[1] & 0x7F;
    int n = 2 + (code == 126 ? 2 : code == 127 ? 8 : 0);
    if ((header[1] & 0x80) != 0) {
      n += 4; // masking key
    }
    return n;
  }

  private long payloadLength() {
    int code = header[1] & 0x7F;
    if (code < 126) {
      return code;
    }
    if (code == 126) {
      return ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
    }
    long v = 0;
    for (int i = 2; i < 10; i++) {
      v = (v << 8) | (header[i] & 0xFFL);
    }
    return v < 0 ? Long.MAX_VALUE : v;
  }
}
