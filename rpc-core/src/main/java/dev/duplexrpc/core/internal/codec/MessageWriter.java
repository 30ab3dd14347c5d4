package dev.duplexrpc.core.internal.codec;

import dev.duplexrpc.core.TraceContext;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.TraceContext;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes JSON-RPC messages with the Peer's {@link Gson} settings. Member order is
 * {@code jsonrpc, id, method, params[, traceparent, tracestate]} for requests and {@code jsonrpc, id, result|error} for
 * responses, so a streaming reader on the other side learns the id first. Every message is
 * well-formed UTF-16: unpaired surrogates are escaped (see {@link #text}).
 */
public final class MessageWriter {

  /** Writes one JSON value (params array or object, or a result). */
  @FunctionalInterface
  public interface Body {
    /** Writes exactly one value. */
    void write(JsonWriter out) throws IOException;
  }

  /**
   * A body that is also plain JSON text: numbers and booleans as Gson's own adapters write them
   * (an array of them for params), appended without a {@link JsonWriter}, so that the commonest
   * messages take one builder and one string.
   */
  public interface PlainBody extends Body {
    /** Appends exactly what {@link #write} writes. */
    void append(StringBuilder sb);
  }

  /** A plain value (see {@link SimpleValues#appendsPlain}) written by its adapter. */
  public static PlainBody plain(TypeAdapter<Object> adapter, Object value) {
    return new PlainBody() {
      @Override
      public void write(JsonWriter out) throws IOException {
        adapter.write(out, value);
      }

      @Override
      public void append(StringBuilder sb) {
        sb.append(value);
      }
    };
  }

  /** A params array of plain values, none null, each written by its adapter. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static PlainBody plainArray(TypeAdapter<?>[] adapters, Object[] values) {
    return new PlainBody() {
      @Override
      public void write(JsonWriter out) throws IOException {
        out.beginArray();
        for (int i = 0; i < values.length; i++) {
          ((TypeAdapter) adapters[i]).write(out, values[i]);
        }
        out.endArray();
      }

      @Override
      public void append(StringBuilder sb) {
        sb.append('[');
        for (int i = 0; i < values.length; i++) {
          (i == 0 ? sb : sb.append(',')).append(values[i]);
        }
        sb.append(']');
      }
    };
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Gson gson;

  public MessageWriter(Gson gson) {
    this.gson = gson;
  }

  /** A request with one of this Peer's ids; {@code params} may be null for none. */
  public String request(long id, String method, Body params) {
    return call(id, method, params, null);
  }

  /**
   * A request with one of this Peer's ids and its trace context as top-level members after {@code
   * params}; {@code params} and {@code trace} may be null for none.
   */
  public String request(long id, String method, Body params, TraceContext trace) {
    return call(id, method, params, trace);
  }

  /** A notification; {@code params} may be null for none. */
  public String notification(String method, Body params) {
    return call(-1, method, params, null);
  }

  /** A notification with its trace context; {@code params} and {@code trace} may be null. */
  public String notification(String method, Body params, TraceContext trace) {
    return call(-1, method, params, trace);
  }

  /** A request ({@code id} positive) or a notification ({@code id} -1). */
  private String call(long id, String method, Body params, TraceContext trace) {
    if (trace == null && params instanceof PlainBody plain && isPlainName(method)) {
      StringBuilder sb = new StringBuilder(48 + method.length());
      sb.append("{\"jsonrpc\":\"2.0\",");
      if (id >= 0) {
        sb.append("\"id\":").append(id).append(',');
      }
      sb.append("\"method\":\"").append(method).append("\",\"params\":");
      plain.append(sb);
      return sb.append('}').toString();
    }
    try {
      StringBuilder sb = new StringBuilder(64);
      JsonWriter w = open(sb);
      w.beginObject().name("jsonrpc").value("2.0");
      if (id >= 0) {
        w.name("id").value(id);
      }
      w.name("method").value(method);
      if (params != null) {
        w.name("params");
        params.write(w);
      }
      if (trace != null) {
        w.name(TraceContext.TRACEPARENT).value(trace.traceparent());
        if (trace.tracestate() != null) {
          w.name(TraceContext.TRACESTATE).value(trace.tracestate());
        }
      }
      w.endObject();
      w.flush();
      return text(sb);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A success response. {@code result} writes the value; null writes {@code "result": null}.
   *
   * @throws IOException or a runtime exception from the result's type adapter
   */
  public String result(Id id, Body result) throws IOException {
    if (result instanceof PlainBody plain && id.kind() != Id.Kind.STRING) {
      StringBuilder sb = new StringBuilder(48);
      sb.append("{\"jsonrpc\":\"2.0\",\"id\":").append(id.text()).append(",\"result\":");
      plain.append(sb);
      return sb.append('}').toString();
    }
    StringBuilder sb = new StringBuilder(64);
    JsonWriter w = open(sb);
    w.beginObject().name("jsonrpc").value("2.0").name("id");
    id.write(w);
    w.name("result");
    if (result == null) {
      w.jsonValue("null");
    } else {
      result.write(w);
    }
    w.endObject();
    w.flush();
    return text(sb);
  }

  /** An error response. {@code data} may be null for none. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public String error(Id id, int code, String message, Object data) {
    try {
      StringBuilder sb = new StringBuilder(96);
      JsonWriter w = open(sb);
      w.beginObject().name("jsonrpc").value("2.0").name("id");
      id.write(w);
      w.name("error").beginObject().name("code").value(code).name("message").value(message);
      if (data instanceof JsonElement tree) {
        if (!tree.isJsonNull()) {
          w.name("data");
          gson.toJson(tree, w);
        }
      } else if (data != null) { // an application's object, converted with this writer's Gson
        w.name("data");
        ((TypeAdapter) gson.getAdapter(data.getClass())).write(w, data);
      }
      w.endObject().endObject();
      w.flush();
      return text(sb);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One body (params) as JSON text, exactly as a request or notification would carry it. */
  public String value(Body body) {
    try {
      StringBuilder sb = new StringBuilder(64);
      JsonWriter w = open(sb);
      body.write(w);
      w.flush();
      return text(sb);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One JSON value written with {@code gson}'s settings, strictly (never NaN or Infinity), with
   * unpaired surrogates escaped: a fragment ready to be put into messages as it is, for example an
   * event payload serialized once for many connections.
   *
   * @throws IllegalArgumentException or another runtime exception from the value's type adapter
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static String valueText(Gson gson, Object value) {
    StringBuilder sb = new StringBuilder(64);
    try {
      JsonWriter w = gson.newJsonWriter(new StringBuilderWriter(sb));
      w.setStrictness(Strictness.STRICT);
      if (value == null) {
        w.jsonValue("null");
      } else {
        ((TypeAdapter) gson.getAdapter(value.getClass())).write(w, value);
      }
      w.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringBuilder does not fail
    }
    return text(sb);
  }

  /**
   * The finished message, with every unpaired surrogate escaped as &#92;uXXXX. Gson writes them
   * raw, and a string holding one cannot be encoded as UTF-8 (a WebSocket text frame must be
   * UTF-8): the encoder replaces it with {@code ?} or fails, so an id received as
   * <code>"&#92;ud800"</code> would not be echoed, or the reply not sent at all. In a written
   * message a surrogate can only stand inside a JSON string, where the escape denotes the same
   * char, so the receiver reads the same value. Without unpaired surrogates (the usual case) this
   * is one scan and no copy beyond {@code toString()}.
   */
  static String text(StringBuilder sb) {
    int i = nextLoneSurrogate(sb, 0);
    if (i < 0) {
      return sb.toString();
    }
    StringBuilder out = new StringBuilder(sb.length() + 16);
    int from = 0;
    do {
      char c = sb.charAt(i);
      out.append(sb, from, i).append('\\').append('u').append(HEX[c >> 12])
          .append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      from = i + 1;
      i = nextLoneSurrogate(sb, from);
    } while (i >= 0);
    return out.append(sb, from, sb.length()).toString();
  }

  /**
   * Whether a method name is written as it is by any Gson's {@link JsonWriter}: letters, digits
   * and {@code . _ / $ -}, none of which JSON or HTML-safe writing escapes.
   */
  static boolean isPlainName(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
          || c == '_' || c == '/' || c == '$' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** The index of the first unpaired surrogate at or after {@code from}, or -1. */
  private static int nextLoneSurrogate(StringBuilder s, int from) {
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a pair
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  private JsonWriter open(StringBuilder sb) throws IOException {
    // The user's Gson settings apply to user values. Envelope nulls are written with jsonValue,
    // which a Gson without serializeNulls would otherwise drop.
    JsonWriter w = gson.newJsonWriter(new StringBuilderWriter(sb));
    w.setStrictness(Strictness.STRICT); // never NaN or Infinity on the wire, whatever the Gson allows
    return w;
  }

  /** An unsynchronized {@link Writer} over a {@link StringBuilder}. */
  static final class StringBuilderWriter extends Writer {
    private final StringBuilder sb;

    StringBuilderWriter(StringBuilder sb) {
      this.sb = sb;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      sb.append(cbuf, off, len);
    }

    @Override
    public void write(int c) {
      sb.append((char) c);
    }

    @Override
    public void write(String str, int off, int len) {
      sb.append(str, off, off + len);
    }

    @Override
    public Writer append(CharSequence csq) {
      sb.append(csq);
      return this;
    }

    @Override
    public Writer append(CharSequence csq, int start, int end) {
      sb.append(csq, start, end);
      return this;
    }

    @Override
    public Writer append(char c) {
      sb.append(c);
      return this;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
