package dev.duplexrpc.core.internal;

/**
 * The UTF-8 length of a text, counted without encoding it: what the byte limits of a socket's
 * send queue and of a session's replay buffer measure.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * The bytes {@code s} takes in UTF-8: a surrogate pair 4, an unpaired surrogate 3 (as the
   * replacement character it is written as).
   *
   * @param s the text
   * @return its length in UTF-8
   */
  public static long length(String s) {
    long n = 0;
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
