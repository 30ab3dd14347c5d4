package dev.duplexrpc.core.internal.codec;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;

/**
 * Reads int, long, boolean and String values in their plainest JSON form straight from a
 * message's text, without a Gson {@code JsonReader} (which allocates a 2 KB buffer each time): an
 * integer literal of at most 9 (int) or 18 (long) digits, {@code true}/{@code false}, a string
 * without escapes. Only when the adapter is Gson's own for the type (checked by identity, so a
 * user-registered adapter is always used); these values read exactly as Gson reads them. Anything
 * else is left to Gson, which also words the errors.
 */
public final class SimpleValues {
  private SimpleValues() {}

  public static final byte NONE = 0;
  static final byte INT = 1;
  static final byte LONG = 2;
  static final byte BOOLEAN = 3;
  static final byte STRING = 4;

  /** Gson's own adapters: the same instances in every Gson. */
  private static final Gson DEFAULTS = new Gson();
  private static final TypeAdapter<?> INT_ADAPTER = DEFAULTS.getAdapter(int.class); // also Integer
  private static final TypeAdapter<?> LONG_ADAPTER = DEFAULTS.getAdapter(long.class);
  private static final TypeAdapter<?> BOOLEAN_ADAPTER = DEFAULTS.getAdapter(boolean.class);
  private static final TypeAdapter<?> STRING_ADAPTER = DEFAULTS.getAdapter(String.class);

  /**
   * Whether values of {@code kind} (an int, a long or a boolean: no string, which needs escaping)
   * are written by their adapter exactly as {@link StringBuilder#append(Object)} writes them.
   */
  public static boolean appendsPlain(byte kind) {
    return kind == INT || kind == LONG || kind == BOOLEAN;
  }

  /** The kind an adapter reads, or {@link #NONE}. */
  public static byte kind(TypeAdapter<?> a) {
    if (a == INT_ADAPTER) {
      return INT;
    }
    if (a == LONG_ADAPTER) {
      return LONG;
    }
    if (a == BOOLEAN_ADAPTER) {
      return BOOLEAN;
    }
    if (a == STRING_ADAPTER) {
      return STRING;
    }
    return NONE;
  }

  /**
   * Where a plain value of {@code kind} starting at {@code pos} ends (exclusive), or -1 if what is
   * there is not one. A number must not be followed by {@code .}, {@code e} or {@code E} (then it
   * is not plain); the caller checks what follows the value.
   */
  public static int scanEnd(byte kind, String t, int pos, int end) {
    if (pos >= end) {
      return -1;
    }
    switch (kind) {
      case INT:
      case LONG: {
        int p = pos;
        if (t.charAt(p) == '-') {
          p++;
        }
        int digitsStart = p;
        while (p < end && t.charAt(p) >= '0' && t.charAt(p) <= '9') {
          p++;
        }
        int digits = p - digitsStart;
        if (digits == 0 || digits > (kind == INT ? 9 : 18)) {
          return -1;
        }
        if (p < end && (t.charAt(p) == '.' || t.charAt(p) == 'e' || t.charAt(p) == 'E')) {
          return -1;
        }
        return p;
      }
      case BOOLEAN:
        if (t.startsWith("true", pos) && pos + 4 <= end) {
          return pos + 4;
        }
        if (t.startsWith("false", pos) && pos + 5 <= end) {
          return pos + 5;
        }
        return -1;
      case STRING: {
        if (t.charAt(pos) != '"') {
          return -1;
        }
        int close = pos + 1;
        while (close < end && t.charAt(close) != '"' && t.charAt(close) != '\\') {
          close++;
        }
        return close < end && t.charAt(close) == '"' ? close + 1 : -1;
      }
      default:
        return -1;
    }
  }

  /** The value of the plain token {@code [pos, tokenEnd)} that {@link #scanEnd} found. */
  public static Object value(byte kind, String t, int pos, int tokenEnd) {
    switch (kind) {
      case INT:
      case LONG: {
        boolean negative = t.charAt(pos) == '-';
        long v = 0;
        for (int p = negative ? pos + 1 : pos; p < tokenEnd; p++) {
          v = v * 10 + (t.charAt(p) - '0');
        }
        v = negative ? -v : v;
        return kind == INT ? (Object) Integer.valueOf((int) v) : (Object) Long.valueOf(v);
      }
      case BOOLEAN:
        return tokenEnd - pos == 4 ? Boolean.TRUE : Boolean.FALSE;
      case STRING:
        return t.substring(pos + 1, tokenEnd - 1);
      default:
        throw new IllegalArgumentException("kind " + kind);
    }
  }
}
