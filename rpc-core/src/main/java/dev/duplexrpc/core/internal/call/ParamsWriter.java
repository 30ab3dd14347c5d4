package dev.duplexrpc.core.internal.call;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * Turns the params of an untyped call ({@code peer.call}, a batch item) into a body the message
 * writer writes, each value by its runtime type with the Peer's Gson, and resolves result types
 * to adapters.
 */
public final class ParamsWriter {
  private final Gson gson;

  public ParamsWriter(Gson gson) {
    this.gson = gson;
  }

  /** The adapter of a result type, or null for {@code Void}. */
  public TypeAdapter<?> adapter(Type type) {
    return type == Void.class || type == void.class ? null : gson.getAdapter(TypeToken.get(type));
  }

  /** Positional params (copied now), or null when there are none. */
  public MessageWriter.Body positional(Object[] params) {
    if (params.length == 0) {
      return null;
    }
    Object[] copy = params.clone();
    return out -> {
      out.beginArray();
      for (Object v : copy) {
        writeValue(out, v);
      }
      out.endArray();
    };
  }

  /** Named params (copied now). */
  public MessageWriter.Body named(Map<String, ?> params) {
    Map<String, ?> copy = new LinkedHashMap<>(params);
    return out -> {
      out.beginObject();
      for (Map.Entry<String, ?> e : copy.entrySet()) {
        out.name(Objects.requireNonNull(e.getKey(), "param name == null"));
        writeValue(out, e.getValue());
      }
      out.endObject();
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void writeValue(JsonWriter out, Object v) throws IOException {
    if (v == null) {
      out.jsonValue("null");
    } else if (v instanceof Flow.Publisher || v instanceof Progress) {
      throw new IllegalArgumentException("a " + (v instanceof Progress ? "Progress" : "Flow.Publisher")
          + " param is bound to a call only through a typed proxy (docs/streaming.md); the dynamic"
          + " API sends plain values");
    } else {
      ((TypeAdapter) gson.getAdapter(v.getClass())).write(out, v);
    }
  }
}
