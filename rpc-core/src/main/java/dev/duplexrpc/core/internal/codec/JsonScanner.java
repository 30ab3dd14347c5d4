package dev.duplexrpc.core.internal.codec;

import dev.duplexrpc.core.ErrorCodes;

/**
 * A strict JSON (RFC 8259) scanner over one text, with a nesting limit: it checks and skips
 * values, reads strings, numbers and literals, and records values as {@link JsonSlice ranges} of
 * the text. What the values mean is {@link MessageParser}'s and {@link EnvelopeMembers}' job.
 * Iterative, so any nesting is safe; every error is a {@link Failure} with the character offset.
 */
final class JsonScanner {
  /** Thrown by the scanner; carries the error code and the detail. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Failure(int code, String detail) {
      super(detail, null, false, false);
      this.code = code;
    }
  }

  private final String s;
  private final int n;
  private final int maxDepth;
  private int pos;

  /**
   * @param s the text
   * @param maxDepth the deepest nesting accepted (the envelope is level 1)
   */
  JsonScanner(String s, int maxDepth) {
    this.s = s;
    this.n = s.length();
    this.maxDepth = maxDepth;
  }

  /** Moves past the character {@link #peek()} returned. */
  void advance() {
    pos++;
  }

  /** Whether the next character is {@code c}; if so, moves past it. */
  boolean consume(char c) {
    if (pos < n && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** After the last value: only whitespace may follow. */
  void expectEnd() throws Failure {
    skipWs();
    if (pos != n) {
      throw parseError("unexpected data after the JSON value");
    }
  }

  /** Reads a member name and its colon, and the whitespace after it. */
  String memberNameValue() throws Failure {
    skipWs();
    if (peek() != '"') {
      throw parseError("expected a member name");
    }
    String name = string();
    skipWs();
    if (next() != ':') {
      throw parseError("expected ':' after a member name");
    }
    skipWs();
    return name;
  }

  /** A string's value, or null (the value skipped) if the value is not a string. */
  String stringOrSkip(int depth) throws Failure {
    return peek() == '"' ? string() : skipped(depth);
  }

  /** Reads a number and returns its text as written. */
  String numberText() throws Failure {
    int start = pos;
    number();
    return s.substring(start, pos);
  }

  private String skipped(int depth) throws Failure {
    skipValue(depth);
    return null;
  }

  /** Skips one value and returns its range of the text. */
  JsonSlice slice(int depth) throws Failure {
    int start = pos;
    skipValue(depth);
    return new JsonSlice(s, start, pos);
  }

  /** Fails if a container at {@code depth} is deeper than the limit. */
  void enter(int depth) throws Failure {
    if (depth > maxDepth) {
      throw new Failure(
          ErrorCodes.LIMIT_EXCEEDED, "JSON nesting deeper than " + maxDepth + " levels");
    }
  }

  /** Skips one value at {@code depth}, checking it strictly; iterative, so any depth is safe. */
  void skipValue(int depth) throws Failure {
    char c = peek();
    if (c != '[' && c != '{') {
      scalar();
      return;
    }
    // Containers: an explicit stack of open brackets instead of recursion.
    StringBuilder open = new StringBuilder();
    while (true) {
      c = peek();
      if (c == '[' || c == '{') {
        enter(depth + open.length());
        pos++;
        open.append(c);
        skipWs();
        char close = c == '[' ? ']' : '}';
        if (peek() == close) {
          pos++;
          open.setLength(open.length() - 1);
        } else {
          if (c == '{') {
            memberName();
          }
          continue; // read the first element
        }
      } else {
        scalar();
      }
      // After a value: close containers or move to the next element.
      while (true) {
        if (open.length() == 0) {
          return;
        }
        skipWs();
        char top = open.charAt(open.length() - 1);
        char d = next();
        if (d == ',') {
          skipWs();
          if (top == '{') {
            memberName();
          }
          break;
        }
        if ((top == '[' && d == ']') || (top == '{' && d == '}')) {
          open.setLength(open.length() - 1);
          continue;
        }
        throw parseError(
          top == '[' ? "expected ',' or ']' in an array" : "expected ',' or '}' in an object");
      }
    }
  }

  private void memberName() throws Failure {
    skipWs();
    if (peek() != '"') {
      throw parseError("expected a member name");
    }
    skipString();
    skipWs();
    if (next() != ':') {
      throw parseError("expected ':' after a member name");
    }
    skipWs();
  }

  private void scalar() throws Failure {
    char c = peek();
    switch (c) {
      case '"':
        skipString();
        return;
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      case 'n':
        literal("null");
        return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
          return;
        }
        throw parseError("unexpected character");
    }
  }

  /** Moves past {@code word} ({@code true}, {@code false}, {@code null}), or fails. */
  void literal(String word) throws Failure {
    if (!s.startsWith(word, pos)) {
      throw parseError("unexpected character");
    }
    pos += word.length();
  }

  private void number() throws Failure {
    if (peek() == '-') {
      pos++;
    }
    char c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw parseError("malformed number");
    }
    if (pos < n && s.charAt(pos) == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw parseError("malformed number");
      }
      digits();
    }
    if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw parseError("malformed number");
      }
      digits();
    }
  }

  private void digits() {
    while (pos < n && isDigit(s.charAt(pos))) {
      pos++;
    }
  }

  private boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Checks a string and moves past it. */
  private void skipString() throws Failure {
    pos++; // the opening quote
    while (true) {
      if (pos >= n) {
        throw parseError("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return;
      }
      if (c == '\\') {
        escape(null);
      } else if (c < 0x20) {
        throw parseError("unescaped control character in a string");
      }
    }
  }

  /** Reads a string's value. */
  String string() throws Failure {
    int start = ++pos;
    // Fast path: no escapes.
    while (pos < n) {
      char c = s.charAt(pos);
      if (c == '"') {
        return s.substring(start, pos++);
      }
      if (c == '\\') {
        break;
      }
      if (c < 0x20) {
        throw parseError("unescaped control character in a string");
      }
      pos++;
    }
    StringBuilder sb = new StringBuilder().append(s, start, pos);
    while (true) {
      if (pos >= n) {
        throw parseError("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        escape(sb);
      } else if (c < 0x20) {
        throw parseError("unescaped control character in a string");
      } else {
        sb.append(c);
      }
    }
  }

  private void escape(StringBuilder out) throws Failure {
    if (pos >= n) {
      throw parseError("unterminated string");
    }
    char c = s.charAt(pos++);
    char v;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        v = c;
        break;
      case 'b':
        v = '\b';
        break;
      case 'f':
        v = '\f';
        break;
      case 'n':
        v = '\n';
        break;
      case 'r':
        v = '\r';
        break;
      case 't':
        v = '\t';
        break;
      case 'u':
        if (pos + 4 > n) {
          throw parseError("unterminated escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int h = hex(s.charAt(pos++));
          if (h < 0) {
            throw parseError("malformed \\u escape");
          }
          code = code * 16 + h;
        }
        v = (char) code;
        break;
      default:
        throw parseError("invalid escape");
    }
    if (out != null) {
      out.append(v);
    }
  }

  private int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Moves past whitespace. */
  void skipWs() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** The next character, not consumed; fails at the end of the text. */
  char peek() throws Failure {
    if (pos >= n) {
      throw parseError("unexpected end of input");
    }
    return s.charAt(pos);
  }

  /** The next character, consumed; fails at the end of the text. */
  char next() throws Failure {
    char c = peek();
    pos++;
    return c;
  }

  /** A parse error at the current character. */
  Failure parseError(String what) {
    return new Failure(ErrorCodes.PARSE_ERROR, what + " at character " + pos);
  }
}
