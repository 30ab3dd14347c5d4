package dev.duplexrpc.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain JSON tree for the fuzz test's oracle: {@code Map<String, Object>} (insertion order),
 * {@code List<Object>}, {@code String}, {@link Num} (the literal text, so ids compare verbatim),
 * {@code Boolean} and {@link #NULL}.
 *
 * <p>Read by its own strict reader, straight from the grammar of RFC 8259, written apart from the
 * Peer's scanner and without Gson (whose strict reader rejects some valid integers, google/gson#3034,
 * and skips a leading byte order mark): whitespace is space, tab, LF and CR only; no comments, no
 * trailing commas, no leading zeros, no {@code NaN}; only the JSON escapes (&#92;u with four hex
 * digits); no unescaped control characters in strings; nothing after the value. Unpaired
 * surrogates are chars like any other. Without recursion, so 20,000 levels are fine.
 */
final class JsonTree {
  /** JSON null. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /**
   * A JSON number as written.
   *
   * @param literal the number's text
   */
  record Num(String literal) {
    @Override
    public String toString() {
      return literal;
    }
  }

  /**
   * What reading one text gave.
   *
   * @param value the tree, or null if the text is not strict JSON
   * @param error why not, or null
   * @param maxDepth the deepest nesting of arrays and objects opened (before the error, if any):
   *     a top-level object is 1 deep
   */
  record Parsed(Object value, String error, int maxDepth) {
    boolean ok() {
      return error == null;
    }
  }

  private JsonTree() {}

  /**
   * Reads one JSON text.
   *
   * @param text the text
   * @param duplicatesAllowed whether a repeated member name is accepted (the last one wins, as in
   *     the Peer) or an error
   */
  static Parsed parse(String text, boolean duplicatesAllowed) {
    return parse(text, duplicatesAllowed, Integer.MAX_VALUE);
  }

  /**
   * Reads one JSON text, or as much of it as is needed to see that it is nested deeper than
   * {@code depthLimit}: then the result is an error with {@code maxDepth == depthLimit + 1},
   * whatever follows (20,000 levels are not worth building a tree for).
   */
  static Parsed parse(String text, boolean duplicatesAllowed, int depthLimit) {
    Reader reader = new Reader(text, duplicatesAllowed, depthLimit);
    try {
      return new Parsed(reader.document(), null, reader.maxDepth);
    } catch (Failure f) {
      return new Parsed(null, f.getMessage(), reader.maxDepth);
    }
  }

  /** Why a text is not JSON. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** The state of one read. */
  private static final class Reader {
    private final String s;
    private final boolean duplicatesAllowed;
    private final int depthLimit;
    private int pos;
    int maxDepth;

    Reader(String s, boolean duplicatesAllowed, int depthLimit) {
      this.s = s;
      this.duplicatesAllowed = duplicatesAllowed;
      this.depthLimit = depthLimit;
    }

    Object document() throws Failure {
      whitespace();
      Object root = value();
      whitespace();
      if (pos < s.length()) {
        throw failure("data after the value");
      }
      return root;
    }

    /** One value; open arrays and objects wait on a stack, with the member names. */
    private Object value() throws Failure {
      Deque<Object> open = new ArrayDeque<>();
      Deque<String> names = new ArrayDeque<>();
      while (true) {
        Object v;
        char c = peek();
        if (c == '[' || c == '{') {
          pos++;
          Object container = c == '[' ? new ArrayList<>() : new LinkedHashMap<String, Object>();
          open.push(container);
          maxDepth = Math.max(maxDepth, open.size());
          if (maxDepth > depthLimit) {
            throw failure("nested deeper than " + depthLimit);
          }
          whitespace();
          if (peek() != (c == '[' ? ']' : '}')) {
            if (c == '{') {
              names.push(memberName(container));
            }
            continue; // read the first element
          }
          pos++;
          v = open.pop();
        } else {
          v = scalar();
        }
        // A value is complete: add it to its container, then close containers or go on.
        while (true) {
          if (open.isEmpty()) {
            return v;
          }
          Object parent = open.peek();
          if (parent instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) parent;
            list.add(v);
          } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) parent;
            object.put(names.pop(), v);
          }
          whitespace();
          char d = next();
          if (d == ',') {
            whitespace();
            if (parent instanceof Map) {
              names.push(memberName(parent));
            }
            break;
          }
          if (d != (parent instanceof List ? ']' : '}')) {
            throw failure("expected ',' or the end of the " + (parent instanceof List ? "array" : "object"));
          }
          v = open.pop();
        }
      }
    }

    /** A member name and its colon; the name is free in {@code object} (or the last one wins). */
    private String memberName(Object object) throws Failure {
      if (peek() != '"') {
        throw failure("expected a member name");
      }
      String name = string();
      Map<?, ?> members = (Map<?, ?>) object;
      if (members.containsKey(name)) {
        if (!duplicatesAllowed) {
          throw failure("duplicate member name \"" + name + "\"");
        }
        members.remove(name); // put again when its value is read: the last one wins
      }
      whitespace();
      if (next() != ':') {
        throw failure("expected ':'");
      }
      whitespace();
      return name;
    }

    private Object scalar() throws Failure {
      char c = peek();
      switch (c) {
        case '"':
          return string();
        case 't':
          word("true");
          return Boolean.TRUE;
        case 'f':
          word("false");
          return Boolean.FALSE;
        case 'n':
          word("null");
          return NULL;
        default:
          if (c == '-' || isDigit(c)) {
            return number();
          }
          throw failure("not a value");
      }
    }

    private void word(String word) throws Failure {
      if (!s.startsWith(word, pos)) {
        throw failure("not a value");
      }
      pos += word.length();
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
    private Num number() throws Failure {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else {
        digits();
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        digits();
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (peek() == '+' || peek() == '-') {
          pos++;
        }
        digits();
      }
      return new Num(s.substring(start, pos));
    }

    /** One or more digits. */
    private void digits() throws Failure {
      if (!isDigit(peek())) {
        throw failure("malformed number");
      }
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    /** The value of an ASCII hex digit, or -1 (Character.digit takes other scripts' digits too). */
    private static int hex(char c) {
      return c >= '0' && c <= '9' ? c - '0'
          : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10
          : -1;
    }

    private String string() throws Failure {
      pos++; // the opening quote
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          throw failure("unescaped control character in a string");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        int k = "\"\\/bfnrt".indexOf(e);
        if (k >= 0) {
          sb.append("\"\\/\b\f\n\r\t".charAt(k));
        } else if (e == 'u') {
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int h = hex(next());
            if (h < 0) {
              throw failure("malformed \\u escape");
            }
            code = code * 16 + h;
          }
          sb.append((char) code);
        } else {
          throw failure("unknown escape");
        }
      }
    }

    private void whitespace() {
      while (pos < s.length() && " \t\n\r".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private char peek() throws Failure {
      if (pos >= s.length()) {
        throw failure("unexpected end");
      }
      return s.charAt(pos);
    }

    private char next() throws Failure {
      char c = peek();
      pos++;
      return c;
    }

    private Failure failure(String what) {
      return new Failure(what + " at " + pos);
    }
  }

  /** Whether every surrogate in {@code s} is part of a high-low pair (so it encodes to UTF-8). */
  static boolean wellFormedUtf16(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with control characters, surrogates and non-ASCII escaped, cut to {@code max}. */
  static String show(String s, int max) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > max) {
      sb.append("... (").append(s.length()).append(" chars)");
    }
    return sb.toString();
  }
}
