package dev.duplexrpc.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How messages are delimited on a program's stdin and stdout, both in UTF-8.
 *
 * <ul>
 *   <li>{@link #CONTENT_LENGTH}: the Language Server Protocol's base protocol: header lines
 *       ({@code Content-Length: N}, in bytes of UTF-8; {@code Content-Type} and others are
 *       accepted and ignored), an empty line, then N bytes.
 *   <li>{@link #NEWLINE}: one message per line. Line breaks in a message from the client are
 *       whitespace between JSON tokens (JSON strings cannot hold raw ones), so they are sent as
 *       spaces; blank lines from the program are skipped.
 * </ul>
 */
enum Framing {
  CONTENT_LENGTH("content-length"),
  NEWLINE("newline");

  /** The longest header line accepted, in bytes. */
  static final int MAX_HEADER_LINE = 8192;

  final String label;

  Framing(String label) {
    this.label = label;
  }

  static Framing of(String label) {
    for (Framing f : values()) {
      if (f.label.equalsIgnoreCase(label)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown framing '" + label + "': content-length or newline");
  }

  /** A message the program wrote that breaks the framing or the limits. */
  static final class FramingException extends IOException {
    private static final long serialVersionUID = 1L;
    final boolean tooBig;

    FramingException(String message, boolean tooBig) {
      super(message);
      this.tooBig = tooBig;
    }
  }

  /**
   * Writes one message.
   *
   * @param out the program's stdin
   * @param message the message
   */
  void write(OutputStream out, String message) throws IOException {
    if (this == NEWLINE) {
      String line = message.indexOf('\n') < 0 && message.indexOf('\r') < 0
          ? message : message.replace('\n', ' ').replace('\r', ' ');
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } else {
      byte[] body = message.getBytes(StandardCharsets.UTF_8);
      out.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    }
    out.flush();
  }

  /**
   * Reads one message.
   *
   * @param in the program's stdout, buffered
   * @param maxChars the longest message accepted, in chars
   * @return the message, or null at the end of the stream between messages
   * @throws FramingException if the program broke the framing or the limit
   * @throws IOException if reading failed
   */
  String read(InputStream in, int maxChars) throws IOException {
    long maxBytes = 3L * maxChars; // UTF-8 takes at most 3 bytes per Java char
    if (this == NEWLINE) {
      while (true) {
        byte[] line = readLine(in, maxBytes, "message");
        if (line == null) {
          return null;
        }
        String text = decode(line, line.length);
        if (!text.isBlank()) {
          return checked(text, maxChars);
        }
      }
    }
    long length = -1;
    boolean any = false;
    while (true) {
      byte[] line = readLine(in, MAX_HEADER_LINE, "header line");
      if (line == null) {
        if (any) {
          throw new FramingException("the output ended inside a header", false);
        }
        return null;
      }
      String header = new String(line, StandardCharsets.US_ASCII);
      if (header.isEmpty()) {
        if (!any) {
          continue; // tolerate blank lines between messages
        }
        break;
      }
      any = true;
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new FramingException("malformed header line '" + abbreviate(header) + "'", false);
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          length = -2;
        }
        if (length < 0) {
          throw new FramingException("malformed Content-Length '" + abbreviate(value) + "'", false);
        }
      } else if (name.equals("content-type")) {
        String v = value.toLowerCase(Locale.ROOT).replace(" ", "");
        int cs = v.indexOf("charset=");
        if (cs >= 0 && !v.startsWith("utf-8", cs + 8) && !v.startsWith("utf8", cs + 8)) {
          throw new FramingException("unsupported Content-Type '" + abbreviate(value) + "': UTF-8 only", false);
        }
      }
    }
    if (length < 0) {
      throw new FramingException("a message without Content-Length", false);
    }
    if (length > maxBytes || length > Integer.MAX_VALUE - 8) {
      throw new FramingException("a message of " + length + " bytes, over the limit", true);
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new FramingException("the output ended after " + body.length + " of " + length + " bytes", false);
    }
    return checked(decode(body, body.length), maxChars);
  }

  private static String checked(String text, int maxChars) throws FramingException {
    if (text.length() > maxChars) {
      throw new FramingException("a message of " + text.length() + " chars, over the limit", true);
    }
    return text;
  }

  /** A line without its CR LF or LF, or null at the end of the stream before any byte. */
  private static byte[] readLine(InputStream in, long max, String what) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
          return java.util.Arrays.copyOf(bytes, n - 1);
        }
        return bytes;
      }
      if (line.size() >= max) {
        throw new FramingException("a " + what + " longer than " + max + " bytes", what.equals("message"));
      }
      line.write(b);
    }
    if (line.size() == 0) {
      return null;
    }
    if (what.equals("message")) {
      return line.toByteArray(); // the last line needs no line break
    }
    throw new FramingException("the output ended inside a " + what, false);
  }

  private static String decode(byte[] bytes, int length) throws FramingException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FramingException("a message that is not valid UTF-8", false);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
