package dev.duplexrpc.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Makes malformed input for a JSON-RPC-over-WebSocket server from a seed: JSON-RPC messages
 * mutated into every kind of wrong (broken JSON, wrong types, bad ids, deep nesting, huge
 * numbers, odd batches), and WebSocket frames that break the protocol itself. Deterministic for a
 * seed, so a failure can be replayed.
 */
public final class WireFuzzer {
  private static final List<String> CORPUS = List.of(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"x\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"add\",\"params\":{\"a\":1,\"b\":2}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[\"n\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"add\",\"params\":[1,2]}",
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"b\"]},{\"jsonrpc\":\"2.0\",\"method\":\"note\"}]",
      "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":7}",
      "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32000,\"message\":\"m\",\"data\":null}}",
      "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":1}}",
      "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"rpc.discover\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"rpc.on\",\"params\":[\"e\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":1.5e3,\"method\":\"echo\",\"params\":[\"\\u00e9\\ud83d\\ude00\"]}",
      "[]",
      "{}");
  private static final String[] TOKENS = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "false", "0", "-0", "1e999", "-1e-999",
    "123456789012345678901234567890", "0.0000001", "\"jsonrpc\"", "\"2.0\"", "\"id\"", "\"method\"",
    "\"params\"", "\"result\"", "\"error\"", "\\u0000", "\\ud800", "\\uDFFF", "\u00e9", "\ud83d\ude00",
    "\u0000", " ", "\n", "\t", "NaN", "Infinity", "'", "/*", "//", "\"\\u", "{\"a\":", "[[[[[[[[",
  };

  private final Random random;

  /**
   * @param seed the seed; the same seed gives the same sequence
   */
  public WireFuzzer(long seed) {
    this.random = new Random(seed);
  }

  /** The underlying random source, for choices the caller makes. */
  public Random random() {
    return random;
  }

  /** A JSON-RPC message broken in one to three random ways; always valid UTF-16 (no lone surrogate). */
  public String message() {
    int kind = random.nextInt(20);
    if (kind == 0) {
      return garbage();
    }
    if (kind == 1) {
      return nested(1 + random.nextInt(300));
    }
    String s = CORPUS.get(random.nextInt(CORPUS.size()));
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      s = mutate(s);
    }
    return clean(s);
  }

  private String mutate(String s) {
    int n = s.length();
    int at = n == 0 ? 0 : random.nextInt(n + 1);
    switch (random.nextInt(9)) {
      case 0: // replace a character
        return n == 0 ? s : s.substring(0, Math.min(at, n - 1)) + token() + s.substring(Math.min(at, n - 1) + 1);
      case 1: // insert a token
        return s.substring(0, at) + token() + s.substring(at);
      case 2: { // delete a range
        int end = Math.min(n, at + 1 + random.nextInt(8));
        return s.substring(0, at) + s.substring(end);
      }
      case 3: // truncate
        return s.substring(0, at);
      case 4: { // duplicate a range
        int end = Math.min(n, at + 1 + random.nextInt(16));
        return s.substring(0, end) + s.substring(at, end) + s.substring(end);
      }
      case 5: // swap a value's type
        return s.replaceFirst(pick("\"params\":\\[[^\\]]*\\]", "\"id\":[^,}]+", "\"method\":\"[^\"]*\"",
            "\"jsonrpc\":\"2.0\""), pick("\"params\":\"p\"", "\"id\":{\"x\":1}", "\"method\":42",
            "\"jsonrpc\":2", "\"id\":[1]", "\"params\":7", "\"id\":true", "\"method\":null"));
      case 6: // wrap in an array (a batch)
        return "[" + s + (random.nextBoolean() ? "," + s : "") + "]";
      case 7: // a long string
        return s.replace("\"x\"", "\"" + "x".repeat(random.nextInt(4000)) + "\"");
      default: // a random byte-ish character
        return s.substring(0, at) + (char) random.nextInt(0x800) + s.substring(at);
    }
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private String token() {
    return TOKENS[random.nextInt(TOKENS.length)];
  }

  private String garbage() {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(64);
    for (int i = 0; i < n; i++) {
      b.append(random.nextInt(4) == 0 ? token() : String.valueOf((char) (32 + random.nextInt(95))));
    }
    return clean(b.toString());
  }

  private static String nested(int depth) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
  }

  /** Replaces lone surrogates (which have no UTF-8 form) with '?', as a text frame must. */
  private static String clean(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  /** A WebSocket frame that breaks the protocol, and the close code a server must answer with. */
  public record BadFrame(String kind, byte[] bytes, int expectedClose) {}

  /**
   * A frame that ends the connection: a protocol violation (1002), text that is not UTF-8 (1007),
   * a binary message (1003, this library's choice), or a message over the size limit (1009).
   *
   * @param maxMessageChars the server's message size limit
   */
  public BadFrame badFrame(int maxMessageChars) {
    byte[] small = "{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[\"x\"]}".getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(11)) {
      case 0: { // reserved bit set without an extension that defines it
        byte[] f = RawWebSocket.frame(0x1, small, true, true);
        f[0] |= (byte) (0x40 >> random.nextInt(3));
        return new BadFrame("rsv bit", f, 1002);
      }
      case 1: // reserved data opcode
        return new BadFrame("reserved opcode", RawWebSocket.frame(3 + random.nextInt(5), small, true, true), 1002);
      case 2: // reserved control opcode
        return new BadFrame("reserved control opcode",
            RawWebSocket.frame(0xB + random.nextInt(5), new byte[0], true, true), 1002);
      case 3: // an unmasked client frame
        return new BadFrame("unmasked", RawWebSocket.frame(0x1, small, true, false), 1002);
      case 4: // a control frame longer than 125 bytes
        return new BadFrame("long ping", RawWebSocket.frame(0x9, new byte[126 + random.nextInt(200)], true, true), 1002);
      case 5: // a fragmented control frame
        return new BadFrame("fragmented ping", RawWebSocket.frame(0x9, new byte[3], false, true), 1002);
      case 6: // a continuation with nothing to continue
        return new BadFrame("orphan continuation", RawWebSocket.frame(0x0, small, true, true), 1002);
      case 7: { // a new data frame inside a fragmented message
        byte[] a = RawWebSocket.frame(0x1, small, false, true);
        byte[] b = RawWebSocket.frame(0x1, small, true, true);
        return new BadFrame("interleaved data frames", concat(a, b), 1002);
      }
      case 8: { // text that is not UTF-8
        byte[] bad = small.clone();
        bad[10 + random.nextInt(20)] = (byte) (0x80 + random.nextInt(0x40)); // a lone continuation byte
        return new BadFrame("invalid utf-8", RawWebSocket.frame(0x1, bad, true, true), 1007);
      }
      case 9: // binary
        return new BadFrame("binary", RawWebSocket.frame(0x2, small, true, true), 1003);
      default: { // over the limit, in one frame (the guard) or in fragments (the text buffer)
        if (random.nextBoolean()) {
          // Only the start of the frame: the header announcing too much is enough to be refused,
          // and the rest would arrive after the server closed (a reset, and a lost close frame).
          byte[] big = new byte[maxMessageChars * 3 + 100];
          java.util.Arrays.fill(big, (byte) 'x');
          byte[] frame = RawWebSocket.frame(0x1, big, true, true);
          return new BadFrame("oversized frame", java.util.Arrays.copyOf(frame, 1024), 1009);
        }
        byte[] part = new byte[maxMessageChars * 2 / 3];
        java.util.Arrays.fill(part, (byte) 'x');
        return new BadFrame("oversized fragments",
            concat(RawWebSocket.frame(0x1, part, false, true), RawWebSocket.frame(0x0, part, true, true)), 1009);
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
