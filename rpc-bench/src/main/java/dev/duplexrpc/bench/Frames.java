package dev.duplexrpc.bench;

import java.util.Arrays;

/**
 * The JSON-RPC text the generator writes and reads, without a JSON parser: builds the
 * pre-serialized request frames and finds the id (and an error member) in a reply by scanning its
 * characters, so that correlating a reply costs no allocation beyond what the socket delivered.
 */
final class Frames {
  private Frames() {}

  /** A request frame with this id. */
  static String frame(int id, int payload) {
    if (payload == 0) {
      return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"subtract\",\"params\":[42,23]}";
    }
    char[] text = new char[payload];
    Arrays.fill(text, 'x');
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"echo\",\"params\":[\""
        + new String(text) + "\"]}";
  }

  /** The integer after the first {@code "id":}, quoted or not; -1 if there is none. */
  static int idOf(CharSequence s) {
    int i = indexOf(s, "\"id\":");
    if (i < 0) {
      return -1;
    }
    i += 5;
    int n = s.length();
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '"')) {
      i++;
    }
    int v = 0;
    int digits = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      digits++;
      i++;
    }
    return digits == 0 || digits > 9 ? -1 : v;
  }

  /**
   * The text after the first {@code "id":} up to the next {@code ,} or {@code }}, as it stands
   * (quotes included); null if there is none.
   */
  static String rawIdOf(CharSequence message) {
    int i = indexOf(message, "\"id\":");
    if (i < 0) {
      return null;
    }
    int end = i + 5;
    while (end < message.length() && message.charAt(end) != ',' && message.charAt(end) != '}') {
      end++;
    }
    return message.subSequence(i + 5, end).toString();
  }

  static boolean contains(CharSequence s, String what) {
    return indexOf(s, what) >= 0;
  }

  static int indexOf(CharSequence s, String what) {
    int n = s.length() - what.length();
    char first = what.charAt(0);
    outer:
    for (int i = 0; i <= n; i++) {
      if (s.charAt(i) != first) {
        continue;
      }
      for (int j = 1; j < what.length(); j++) {
        if (s.charAt(i + j) != what.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
