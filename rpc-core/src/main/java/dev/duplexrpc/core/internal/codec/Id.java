package dev.duplexrpc.core.internal.codec;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * A request id exactly as received: a string, a number kept as its literal text (so that
 * {@code 12345678901234567890}, {@code 1.5} and {@code -0} are echoed byte for byte), or null.
 */
public final class Id {
  /** The JSON null id. */
  public static final Id NULL = new Id(Kind.NULL, "null");

  /** The JSON type of an id. */
  public enum Kind {
    STRING,
    NUMBER,
    NULL
  }

  private final Kind kind;
  private final String text;

  private Id(Kind kind, String text) {
    this.kind = kind;
    this.text = text;
  }

  /** A string id. */
  public static Id ofString(String value) {
    return new Id(Kind.STRING, value);
  }

  /** A number id, from its literal JSON text. */
  public static Id ofNumberLiteral(String literal) {
    return new Id(Kind.NUMBER, literal);
  }

  /** A number id for one of this Peer's own calls. */
  public static Id of(long value) {
    return new Id(Kind.NUMBER, Long.toString(value));
  }

  /** The JSON type. */
  public Kind kind() {
    return kind;
  }

  /** The string value, or the number's literal text. */
  public String text() {
    return text;
  }

  /**
   * The id as one of this Peer's own ids (a positive integer literal), or -1 if it cannot be one.
   */
  public long asOwnId() {
    if (kind != Kind.NUMBER) {
      return -1;
    }
    String t = text;
    int n = t.length();
    if (n == 0 || n > 18) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Writes the id as received. */
  public void write(JsonWriter out) throws IOException {
    switch (kind) {
      case STRING:
        out.value(text);
        break;
      case NUMBER:
        out.jsonValue(text);
        break;
      default:
        out.jsonValue("null");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Id other && kind == other.kind && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + text.hashCode();
  }

  @Override
  public String toString() {
    return kind == Kind.STRING ? '"' + text + '"' : text;
  }
}
