package dev.duplexrpc.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

/** The frame guard passes frames within the limit byte for byte and stops at the first one over it. */
class FrameGuardTest {
  static final int LIMIT = 100;

  /** Records what reaches Tyrus's reader and how the connection was closed. */
  static final class Recorder implements Connection {
    final ByteArrayOutputStream passed = new ByteArrayOutputStream();
    final List<CloseReason> closes = new ArrayList<>();

    @Override
    public ReadHandler getReadHandler() {
      return data -> {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        passed.write(b, 0, b.length);
      };
    }

    @Override
    public Writer getWriter() {
      return null;
    }

    @Override
    public CloseListener getCloseListener() {
      return null;
    }

    @Override
    public void close(CloseReason reason) {
      closes.add(reason);
    }
  }

  /** A frame header (FIN set) for an opcode and payload length, masked as a client's would be. */
  static byte[] frame(int opcode, int length, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | opcode);
    int mask = masked ? 0x80 : 0;
    if (length < 126) {
      out.write(mask | length);
    } else if (length <= 0xFFFF) {
      out.write(mask | 126);
      out.write(length >>> 8);
      out.write(length & 0xFF);
    } else {
      out.write(mask | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) length >>> (8 * i)) & 0xFF);
      }
    }
    if (masked) {
      out.write(new byte[] {1, 2, 3, 4}, 0, 4);
    }
    for (int i = 0; i < length; i++) {
      out.write('a' + i % 26);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} to the guard in chunks of {@code chunk} bytes. */
  static Recorder feed(byte[] bytes, int chunk) {
    Recorder r = new Recorder();
    Connection guarded = FrameGuard.guard(r, LIMIT);
    for (int i = 0; i < bytes.length; i += chunk) {
      guarded.getReadHandler().handle(ByteBuffer.wrap(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    return r;
  }

  @Test
  void framesWithinTheLimitPassUnchangedHoweverTheyAreSplit() {
    byte[] stream = concat(frame(1, 5, true), frame(1, LIMIT, true), frame(9, 3, true),
        frame(2, 80, false), frame(1, 0, false));
    for (int chunk : new int[] {1, 2, 3, 7, 13, stream.length}) {
      Recorder r = feed(stream, chunk);
      assertArrayEquals(stream, r.passed.toByteArray(), "chunk " + chunk);
      assertEquals(List.of(), r.closes, "chunk " + chunk);
    }
  }

  @Test
  void frameOverTheLimitClosesWith1009AndIsNotPassed() {
    byte[] before = concat(frame(1, 10, true), frame(1, 20, true));
    byte[] stream = concat(before, frame(1, LIMIT + 1, true), frame(1, 5, true));
    for (int chunk : new int[] {1, 4, 9, stream.length}) {
      Recorder r = feed(stream, chunk);
      byte[] passed = r.passed.toByteArray();
      // Everything before the big frame's header reached Tyrus; nothing of the big frame's payload did.
      assertArrayEquals(before, java.util.Arrays.copyOf(passed, before.length), "chunk " + chunk);
      assertTrue(passed.length < before.length + Limits.MAX_FRAME_HEADER, "chunk " + chunk);
      assertEquals(1, r.closes.size(), "chunk " + chunk);
      assertEquals(1009, r.closes.get(0).getCloseCode().getCode());
    }
  }

  @Test
  void sixtyFourBitLengthsAreRead() {
    Recorder r = feed(frame(1, 70_000, true), 4096);
    assertEquals(1009, r.closes.get(0).getCloseCode().getCode());
    assertEquals(1, r.closes.size());
  }

  @Test
  void controlFramesAreNotLimitedHere() {
    byte[] ping = frame(9, 125, true); // over LIMIT, but a control frame: Tyrus limits those itself
    Recorder r = feed(ping, 10);
    assertEquals(List.of(), r.closes);
    assertArrayEquals(ping, r.passed.toByteArray());
  }

  @Test
  void aServerClosesOnAnUnmaskedClientFrameWith1002() {
    byte[] before = frame(1, 10, true);
    byte[] stream = concat(before, frame(1, 5, false), frame(1, 5, true));
    for (int chunk : new int[] {1, 3, stream.length}) {
      Recorder r = new Recorder();
      Connection guarded = FrameGuard.guard(r, LIMIT, r::close, new Link(), true, false);
      for (int i = 0; i < stream.length; i += chunk) {
        guarded.getReadHandler().handle(ByteBuffer.wrap(stream, i, Math.min(chunk, stream.length - i)));
      }
      byte[] passed = r.passed.toByteArray();
      assertArrayEquals(before, java.util.Arrays.copyOf(passed, before.length), "chunk " + chunk);
      assertTrue(passed.length < before.length + 2, "the unmasked frame did not pass, chunk " + chunk);
      assertEquals(1, r.closes.size(), "chunk " + chunk);
      assertEquals(1002, r.closes.get(0).getCloseCode().getCode());
    }
  }

  @Test
  void aClientClosesOnAMaskedServerFrameWith1002AndEveryReadTouchesTheLink() {
    Recorder r = new Recorder();
    Link link = new Link();
    long before = link.lastReadNanos();
    Connection guarded = FrameGuard.guard(r, LIMIT, r::close, link, false, false);
    guarded.getReadHandler().handle(ByteBuffer.wrap(frame(1, 5, false)));
    assertTrue(link.lastReadNanos() >= before);
    assertEquals(List.of(), r.closes);
    guarded.getReadHandler().handle(ByteBuffer.wrap(frame(1, 5, true)));
    assertEquals(1002, r.closes.get(0).getCloseCode().getCode());
  }

  @Test
  void fragmentsOfOneMessageAddUpAgainstTheLimit() {
    // Three fragments of 40 bytes each: every frame fits, the message (120 > 100) does not.
    byte[] first = concat(frame(1, 5, true), fragment(1, 40, false), fragment(0, 40, false));
    byte[] stream = concat(first, fragment(0, 40, true), frame(1, 5, true));
    for (int chunk : new int[] {1, 7, stream.length}) {
      Recorder r = feed(stream, chunk);
      byte[] passed = r.passed.toByteArray();
      assertArrayEquals(first, java.util.Arrays.copyOf(passed, first.length), "chunk " + chunk);
      assertEquals(1, r.closes.size(), "chunk " + chunk);
      assertEquals(1009, r.closes.get(0).getCloseCode().getCode());
    }
    // A new message starts the count again.
    Recorder fine = feed(concat(fragment(1, 60, false), fragment(0, 40, true), fragment(1, 60, false),
        fragment(0, 40, true)), 3);
    assertEquals(List.of(), fine.closes);
  }

  @Test
  void binaryIsRefusedAtItsHeaderWhenAsked() {
    Recorder r = new Recorder();
    Connection guarded = FrameGuard.guard(r, LIMIT, r::close, null, null, true);
    guarded.getReadHandler().handle(ByteBuffer.wrap(concat(frame(1, 5, true), frame(2, 5, true))));
    assertEquals(1003, r.closes.get(0).getCloseCode().getCode());
    assertArrayEquals(frame(1, 5, true), r.passed.toByteArray());
  }

  /** A masked frame with FIN as given. */
  static byte[] fragment(int opcode, int length, boolean fin) {
    byte[] f = frame(opcode, length, true);
    if (!fin) {
      f[0] &= 0x7F;
    }
    return f;
  }
}
