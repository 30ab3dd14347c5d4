package dev.duplexrpc.core.internal.codec;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonSyntaxException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.Reader;

/**
 * One JSON value inside a received message, kept as a range of the message text: the parser has
 * already checked that it is strict, well-formed JSON within the nesting limit, so it is read once
 * more only when a handler or a caller needs it, straight into the target type.
 */
public final class JsonSlice {
  private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

  private final String text;
  private final int start;
  private final int end;

  JsonSlice(String text, int start, int end) {
    this.text = text;
    this.start = start;
    this.end = end;
  }

  /** A slice of a whole string, for tests and for values built locally. */
  public static JsonSlice of(String json) {
    return new JsonSlice(json, 0, json.length());
  }

  /** The message text the slice is a range of. */
  public String text() {
    return text;
  }

  /** Where the value starts in {@link #text()}. */
  public int start() {
    return start;
  }

  /** Where the value ends (exclusive) in {@link #text()}. */
  public int end() {
    return end;
  }

  /** The first character: '{', '[', '"', 't', 'f', 'n', '-' or a digit. */
  public char first() {
    return text.charAt(start);
  }

  /** Whether the value is JSON null. */
  public boolean isNull() {
    return first() == 'n';
  }

  /** Whether the value is an array or an object. */
  public boolean isStructured() {
    char c = first();
    return c == '[' || c == '{';
  }

  /** A strict reader positioned before the value. */
  public JsonReader reader() {
    JsonReader r = new JsonReader(new SliceReader(text, start, end));
    r.setStrictness(Strictness.STRICT);
    r.setNestingLimit(Integer.MAX_VALUE); // the parser applied the limit to the whole message
    return r;
  }

  /**
   * Reads the value with a type adapter. Gson's streaming reader rejects what its tree reader
   * would silently change (1.5 or 4294967297 for an int). It also rejects some valid integers
   * (google/gson#3034: a literal whose leading digits overflow its long accumulator to exactly 0,
   * such as 1 followed by 65 or more zeros, is taken for a leading zero), so even {@link #tree()}
   * can fail for text the parser accepted.
   *
   * @throws RuntimeException if the value does not convert, as the adapter reports it
   */
  @SuppressWarnings("unchecked")
  public <T> T read(TypeAdapter<T> adapter) {
    byte kind = SimpleValues.kind(adapter);
    if (kind != SimpleValues.NONE && SimpleValues.scanEnd(kind, text, start, end) == end) {
      return (T) SimpleValues.value(kind, text, start, end); // a plain value, read as Gson would
    }
    try {
      return adapter.read(reader());
    } catch (IOException e) {
      throw new JsonSyntaxException(e);
    }
  }

  /**
   * The value as a Gson tree.
   *
   * @throws RuntimeException for valid JSON that Gson cannot read (see {@link #read})
   */
  public JsonElement tree() {
    return read(TREE);
  }

  /** The value's JSON text. */
  @Override
  public String toString() {
    return text.substring(start, end);
  }

  /** A {@link Reader} over a range of a string, without copying it. */
  static final class SliceReader extends Reader {
    private final String text;
    private int pos;
    private final int end;

    SliceReader(String text, int start, int end) {
      this.text = text;
      this.pos = start;
      this.end = end;
    }

    @Override
    public int read(char[] cbuf, int off, int len) {
      if (pos >= end) {
        return -1;
      }
      int n = Math.min(len, end - pos);
      text.getChars(pos, pos + n, cbuf, off);
      pos += n;
      return n;
    }

    @Override
    public int read() {
      return pos < end ? text.charAt(pos++) : -1;
    }

    @Override
    public void close() {}
  }
}
