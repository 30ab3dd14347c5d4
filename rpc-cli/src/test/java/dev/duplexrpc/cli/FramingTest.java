package dev.duplexrpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two stdio framings of {@code duplex bridge}, byte for byte. */
class FramingTest {
  static final int MAX = 1000;

  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static String written(Framing f, String message) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.write(out, message);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void contentLengthCountsBytesOfUtf8() throws Exception {
    assertEquals("Content-Length: 14\r\n\r\n\"h\u00e9 \ud83d\ude00 \u2713\"",
        written(Framing.CONTENT_LENGTH, "\"h\u00e9 \ud83d\ude00 \u2713\""));
  }

  @Test
  void newlineFramingWritesLineBreaksInsideAMessageAsSpaces() throws Exception {
    assertEquals("{ \"a\": 1,  \"b\": 2}\n", written(Framing.NEWLINE, "{\n\"a\": 1,\r\n\"b\": 2}"));
  }

  @Test
  void contentLengthReadsSeveralMessagesWithOtherHeadersAndBareLineFeeds() throws Exception {
    InputStream in = bytes("Content-Length: 8\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
        + "\"h\u00e9\u2713\"" + "content-length:2\n\n{}");
    assertEquals("\"h\u00e9\u2713\"", Framing.CONTENT_LENGTH.read(in, MAX));
    assertEquals("{}", Framing.CONTENT_LENGTH.read(in, MAX));
    assertNull(Framing.CONTENT_LENGTH.read(in, MAX));
  }

  @Test
  void newlineReadsLinesSkippingBlankOnesAndDroppingCarriageReturns() throws Exception {
    InputStream in = bytes("{\"a\":1}\r\n\n  \n[2]");
    assertEquals("{\"a\":1}", Framing.NEWLINE.read(in, MAX));
    assertEquals("[2]", Framing.NEWLINE.read(in, MAX));
    assertNull(Framing.NEWLINE.read(in, MAX));
  }

  @Test
  void brokenContentLengthFramingIsMalformed() {
    for (String broken : new String[] {
        "Content-Length: lots\r\n\r\n{}",
        "Content-Type: text/plain\r\n\r\n{}",
        "no colon here\r\n\r\n{}",
        "Content-Length: 10\r\n\r\n{}",
        "Content-Length: 2\r\n",
        "Content-Length: 2\r\nContent-Type: text/plain; charset=latin1\r\n\r\n{}",
        "Content-Length: 2\r\n\r\n\u00ff"}) {
      InputStream in = bytes(broken);
      if (broken.endsWith("\u00ff")) {
        in = new ByteArrayInputStream(new byte[] {'C', 'o', 'n', 't', 'e', 'n', 't', '-', 'L', 'e', 'n', 'g', 't', 'h',
            ':', '2', '\n', '\n', (byte) 0xff, (byte) 0xfe});
      }
      InputStream input = in;
      Framing.FramingException e =
          assertThrows(Framing.FramingException.class, () -> Framing.CONTENT_LENGTH.read(input, MAX), broken);
      assertFalse(e.tooBig, broken);
    }
  }

  @Test
  void contentLengthOverTheLimitIsRefusedBeforeReadingTheContent() {
    InputStream in = bytes("Content-Length: 3001\r\n\r\n");
    Framing.FramingException e =
        assertThrows(Framing.FramingException.class, () -> Framing.CONTENT_LENGTH.read(in, MAX));
    assertTrue(e.tooBig);
  }

  @Test
  void lineOverTheLimitIsTooBig() {
    InputStream in = bytes("\"" + "x".repeat(MAX) + "\"\n");
    Framing.FramingException e = assertThrows(Framing.FramingException.class, () -> Framing.NEWLINE.read(in, MAX));
    assertTrue(e.tooBig);
  }

  @Test
  void headerLineWithoutEndIsBoundedNotBuffered() {
    InputStream in = bytes("X".repeat(Framing.MAX_HEADER_LINE + 1));
    Framing.FramingException e =
        assertThrows(Framing.FramingException.class, () -> Framing.CONTENT_LENGTH.read(in, MAX));
    assertFalse(e.tooBig);
  }
}
