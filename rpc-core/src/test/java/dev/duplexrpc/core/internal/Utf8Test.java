package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The counted UTF-8 length is the encoded one. */
class Utf8Test {
  @Test
  void countsWhatEncodingWrites() {
    for (String s : new String[] {"", "ascii", "é", "ß€", "\u07ff\u0800", "😀", "a😀b€é"}) {
      assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.length(s), s);
    }
  }

  @Test
  void unpairedSurrogateCountsAsTheReplacementItIsWrittenAs() {
    assertEquals(3, Utf8.length("\ud83d"));
    assertEquals(4, Utf8.length("\ude00a"));
  }
}
