package dev.duplexrpc.core.internal.codec;

import dev.duplexrpc.core.ErrorCodes;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one text message in a single pass: a strict JSON (RFC 8259) scanner with a nesting limit
 * that reads the envelope members directly and records {@code params}, {@code result} and {@code
 * error} as {@link JsonSlice ranges} of the text, so that they are converted once, straight into
 * the handler's or caller's types, without an intermediate tree.
 *
 * <p>Never throws for any input: every failure is a {@link ParseResult} with an error code.
 */
public final class MessageParser {
  private final int maxDepth;
  private final int maxBatch;

  /**
   * @param maxDepth the deepest JSON nesting accepted (the envelope is level 1)
   * @param maxBatch the longest batch accepted
   */
  public MessageParser(int maxDepth, int maxBatch) {
    this.maxDepth = maxDepth;
    this.maxBatch = maxBatch;
  }

  /** Thrown inside the scanner; carries the error code and the detail. */
  private static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Failure(int code, String detail) {
      super(detail, null, false, false);
      this.code = code;
    }
  }

  /** Parses a whole message. */
  public ParseResult parse(String text) {
    try {
      return new Scan(text).message();
    } catch (Failure f) {
      return ParseResult.failure(f.code, f.getMessage());
    }
  }

  /** The envelope members of one object as scanned, before it is classified. */
  private static final class Members {
    String jsonrpc; // null if absent or not a string
    boolean hasMethod;
    String method; // null if absent or not a string
    boolean hasId;
    Id id; // null if absent or neither string, number nor null
    JsonSlice params;
    JsonSlice result;
    JsonSlice error;
    String notification; // the rpc-websockets event name; null if absent or not a string
    String traceparent; // null if absent or not a string
    String tracestate; // null if absent or not a string

    TraceFields trace() {
      return traceparent == null && tracestate == null ? null : new TraceFields(traceparent, tracestate);
    }

    Message classify() {
      if (!hasMethod && (result != null || error != null)) {
        return new Message.Response(id, result, error);
      }
      boolean badParams = params != null && !params.isStructured();
      if (notification != null && !hasMethod && !hasId) { // {"notification": name, "params": ...}
        return badParams
            ? new Message.Dropped("event " + notification + " with params that are not an array or object")
            : new Message.Notification(notification, params, null);
      }
      if (hasId && id == null) {
        return new Message.Invalid(Id.NULL, "id is neither a string, a number nor null");
      }
      Id replyId = id == null ? Id.NULL : id;
      if (!"2.0".equals(jsonrpc)) {
        return new Message.Invalid(replyId, "jsonrpc is not \"2.0\"");
      }
      if (!hasMethod && hasId && params == null && notification == null) {
        return new Message.Bare(id);
      }
      if (method == null) {
        return new Message.Invalid(replyId, "method is missing or not a string");
      }
      if (badParams) {
        return new Message.Invalid(replyId, "params is not an array or an object");
      }
      return hasId
          ? new Message.Request(id, method, params, trace())
          : new Message.Notification(method, params, trace());
    }
  }

  /** The state of one scan. */
  private final class Scan {
    private final String s;
    private final int n;
    private int pos;

    Scan(String s) {
      this.s = s;
      this.n = s.length();
    }

    ParseResult message() throws Failure {
      skipWs();
      ParseResult result;
      if (pos < n && s.charAt(pos) == '[') {
        pos++;
        List<Message> items = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
          pos++;
        } else {
          while (true) {
            if (items.size() >= maxBatch) {
              // Still check the rest is JSON: invalid JSON is a parse error whatever its length.
              skipRest(1);
              throw new Failure(ErrorCodes.LIMIT_EXCEEDED, "batch has more than " + maxBatch + " items");
            }
            items.add(item(2));
            skipWs();
            char c = next();
            if (c == ']') {
              break;
            }
            if (c != ',') {
              throw parseError("expected ',' or ']' in the batch");
            }
            skipWs();
          }
        }
        result = new ParseResult(items, true, 0, null);
      } else {
        result = new ParseResult(List.of(item(1)), false, 0, null);
      }
      skipWs();
      if (pos != n) {
        throw parseError("unexpected data after the JSON value");
      }
      return result;
    }

    /** After the batch limit: validates the remaining items and the closing bracket. */
    private void skipRest(int depth) throws Failure {
      while (true) {
        skipWs();
        skipValue(depth + 1);
        skipWs();
        char c = next();
        if (c == ']') {
          skipWs();
          if (pos != n) {
            throw parseError("unexpected data after the JSON value");
          }
          return;
        }
        if (c != ',') {
          throw parseError("expected ',' or ']' in the batch");
        }
      }
    }

    private Message item(int depth) throws Failure {
      skipWs();
      if (peek() != '{') {
        skipValue(depth);
        return new Message.Invalid(Id.NULL, "not an object");
      }
      Members m = new Members();
      enter(depth);
      pos++;
      skipWs();
      if (peek() == '}') {
        pos++;
        return m.classify();
      }
      while (true) {
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
        switch (name) {
          case "jsonrpc":
            m.jsonrpc = peek() == '"' ? string() : skipped(depth + 1);
            break;
          case "method":
            m.hasMethod = true;
            m.method = peek() == '"' ? string() : skipped(depth + 1);
            break;
          case "id":
            m.hasId = true;
            m.id = id(depth + 1);
            break;
          case "params":
            m.params = slice(depth + 1);
            break;
          case "result":
            m.result = slice(depth + 1);
            break;
          case "error":
            m.error = slice(depth + 1);
            break;
          case "notification":
            m.notification = peek() == '"' ? string() : skipped(depth + 1);
            break;
          case "traceparent":
            m.traceparent = peek() == '"' ? string() : skipped(depth + 1);
            break;
          case "tracestate":
            m.tracestate = peek() == '"' ? string() : skipped(depth + 1);
            break;
          default:
            skipValue(depth + 1);
        }
        skipWs();
        char c = next();
        if (c == '}') {
          return m.classify();
        }
        if (c != ',') {
          throw parseError("expected ',' or '}' in an object");
        }
      }
    }

    private String skipped(int depth) throws Failure {
      skipValue(depth);
      return null;
    }

    private Id id(int depth) throws Failure {
      char c = peek();
      if (c == '"') {
        return Id.ofString(string());
      }
      if (c == '-' || (c >= '0' && c <= '9')) {
        int start = pos;
        number();
        return Id.ofNumberLiteral(s.substring(start, pos));
      }
      if (c == 'n') {
        literal("null");
        return Id.NULL;
      }
      skipValue(depth);
      return null;
    }

    private JsonSlice slice(int depth) throws Failure {
      int start = pos;
      skipValue(depth);
      return new JsonSlice(s, start, pos);
    }

    private void enter(int depth) throws Failure {
      if (depth > maxDepth) {
        throw new Failure(ErrorCodes.LIMIT_EXCEEDED, "JSON nesting deeper than " + maxDepth + " levels");
      }
    }

    /** Skips one value at {@code depth}, checking it strictly; iterative, so any depth is safe. */
    private void skipValue(int depth) throws Failure {
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
          throw parseError(top == '[' ? "expected ',' or ']' in an array" : "expected ',' or '}' in an object");
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

    private void literal(String word) throws Failure {
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
    private String string() throws Failure {
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

    private void skipWs() {
      while (pos < n) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    private char peek() throws Failure {
      if (pos >= n) {
        throw parseError("unexpected end of input");
      }
      return s.charAt(pos);
    }

    private char next() throws Failure {
      char c = peek();
      pos++;
      return c;
    }

    private Failure parseError(String what) {
      return new Failure(ErrorCodes.PARSE_ERROR, what + " at character " + pos);
    }
  }
}
