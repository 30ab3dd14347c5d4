package dev.duplexrpc.core.internal.stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;

/**
 * The stream messages' names and the shapes of their params, in one place (docs/wire.md#streams):
 * a stream is named by the token object {@code {"stream": "<id>"}}, the id chosen by the end that
 * produces it.
 */
public final class StreamWire {
  /** The prefix of every stream message. */
  static final String PREFIX = "rpc.stream.";
  /** Consumer to producer: {@code {"stream": id, "n": credit}}. */
  static final String REQUEST = "rpc.stream.request";
  /** Consumer to producer: {@code {"stream": id}}. */
  static final String CANCEL = "rpc.stream.cancel";
  /** Producer to consumer: {@code {"stream": id, "items": [...]}}, never more items than credit. */
  static final String NEXT = "rpc.stream.next";
  /** Producer to consumer: {@code {"stream": id}} or {@code {"stream": id, "error": {...}}}. */
  static final String END = "rpc.stream.end";

  /**
   * Reads and writes a token object: {@code {"stream": "7"}} for the token {@code "7"}. Reading
   * something else fails with a {@link JsonParseException}.
   */
  public static final TypeAdapter<String> TOKEN = new TypeAdapter<>() {
    @Override
    public void write(JsonWriter out, String token) throws IOException {
      out.beginObject().name("stream").value(token).endObject();
    }

    @Override
    public String read(JsonReader in) throws IOException {
      String token = in.peek() == JsonToken.BEGIN_OBJECT ? member(in, "stream") : null;
      if (token == null) {
        throw new JsonParseException("not a stream: expected {\"stream\": \"<id>\"}");
      }
      return token;
    }
  };

  private StreamWire() {}

  /** Whether a notification's method is one of the stream messages. */
  public static boolean handles(String method) {
    return method.startsWith(PREFIX);
  }

  /** {@code T} of {@code Flow.Publisher<T>}; {@code Object} for a raw publisher. */
  public static Type itemType(Type publisher) {
    Type t = publisher instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
    return t instanceof WildcardType w ? w.getUpperBounds()[0] : t;
  }

  /** The string member {@code name} of the object {@code in} is at (consumed whole), or null. */
  private static String member(JsonReader in, String name) throws IOException {
    String value = null;
    in.beginObject();
    while (in.hasNext()) {
      if (name.equals(in.nextName()) && in.peek() == JsonToken.STRING) {
        value = in.nextString();
      } else {
        in.skipValue();
      }
    }
    in.endObject();
    return value;
  }

  /** The stream id of a stream message's params, read up to it only; null if there is none. */
  static String token(JsonSlice params) {
    if (params == null || params.first() != '{') {
      return null;
    }
    try {
      JsonReader in = params.reader();
      in.beginObject();
      while (in.hasNext()) {
        if ("stream".equals(in.nextName()) && in.peek() == JsonToken.STRING) {
          return in.nextString();
        }
        in.skipValue();
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The credit {@code n} of a request; 0 when missing or not a positive integer. */
  static long credit(JsonSlice params) {
    try {
      JsonElement n = params.tree().getAsJsonObject().get("n");
      if (n == null || !n.isJsonPrimitive() || !n.getAsJsonPrimitive().isNumber()) {
        return 0;
      }
      java.math.BigDecimal d = n.getAsBigDecimal();
      if (d.signum() <= 0 || d.stripTrailingZeros().scale() > 0) {
        return 0;
      }
      return d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.longValue();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The exception an end message's {@code error} carries, or null for a normal end. */
  static RpcException endError(JsonSlice params) {
    JsonElement error;
    try {
      error = params.tree().getAsJsonObject().get("error");
    } catch (RuntimeException e) {
      return null;
    }
    if (error == null || error.isJsonNull()) {
      return null;
    }
    if (error.isJsonObject()) {
      JsonObject o = error.getAsJsonObject();
      JsonElement code = o.get("code");
      JsonElement message = o.get("message");
      if (code != null && code.isJsonPrimitive() && code.getAsJsonPrimitive().isNumber()
          && message != null && message.isJsonPrimitive()) {
        try {
          return new RpcException(code.getAsBigDecimal().intValueExact(), message.getAsString(),
              o.get("data"));
        } catch (ArithmeticException e) {
          // falls through to the malformed error below
        }
      }
    }
    JsonObject data = new JsonObject();
    data.add("error", error);
    return new RpcException(ErrorCodes.INVALID_RESPONSE, "Malformed error object", data);
  }

  /** A stream limit's error. */
  static RpcException limit(String reason) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    return new RpcException(ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
  }

  /** A stream the other end broke the protocol of. */
  static RpcException violation(String reason) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    return new RpcException(ErrorCodes.INVALID_RESPONSE, "Invalid stream", data);
  }
}
