package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Writes JSON-RPC messages with the Peer's {@link Gson} settings. Member order is
 * {@code jsonrpc, id, method, params} for requests and {@code jsonrpc, id, result|error} for
 * responses, so a streaming reader on the other side learns the id first.
 */
public final class MessageWriter {

  /** Writes one JSON value (params array or object, or a result). */
  @FunctionalInterface
  public interface Body {
    /** Writes exactly one value. */
    void write(JsonWriter out) throws IOException;
  }

  private final Gson gson;

  public MessageWriter(Gson gson) {
    this.gson = gson;
  }

  /** A request with one of this Peer's ids; {@code params} may be null for none. */
  public String request(long id, String method, Body params) {
    try {
      StringBuilder sb = new StringBuilder(64);
      JsonWriter w = open(sb);
      w.beginObject().name("jsonrpc").value("2.0").name("id").value(id).name("method").value(method);
      if (params != null) {
        w.name("params");
        params.write(w);
      }
      w.endObject();
      w.flush();
      return sb.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A notification; {@code params} may be null for none. */
  public String notification(String method, Body params) {
    try {
      StringBuilder sb = new StringBuilder(64);
      JsonWriter w = open(sb);
      w.beginObject().name("jsonrpc").value("2.0").name("method").value(method);
      if (params != null) {
        w.name("params");
        params.write(w);
      }
      w.endObject();
      w.flush();
      return sb.toString();
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
    return sb.toString();
  }

  /** An error response. {@code data} may be null for none. */
  public String error(Id id, int code, String message, JsonElement data) {
    try {
      StringBuilder sb = new StringBuilder(96);
      JsonWriter w = open(sb);
      w.beginObject().name("jsonrpc").value("2.0").name("id");
      id.write(w);
      w.name("error").beginObject().name("code").value(code).name("message").value(message);
      if (data != null && !data.isJsonNull()) {
        w.name("data");
        gson.toJson(data, w);
      }
      w.endObject().endObject();
      w.flush();
      return sb.toString();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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
