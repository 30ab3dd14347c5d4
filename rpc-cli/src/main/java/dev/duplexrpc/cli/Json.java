package dev.duplexrpc.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out of the tool. */
final class Json {
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();
  private static final Gson COMPACT = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  static String pretty(JsonElement e) {
    return e == null ? "null" : PRETTY.toJson(e);
  }

  static String compact(JsonElement e) {
    return e == null ? "null" : COMPACT.toJson(e);
  }

  /**
   * Parses the PARAMS_JSON argument: strict JSON, an array (positional) or an object (named).
   *
   * @param text the argument, or null when absent
   * @return the params, or null when absent
   */
  static JsonElement params(String text) {
    if (text == null) {
      return null;
    }
    JsonElement e;
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      r.setStrictness(Strictness.STRICT);
      e = JsonParser.parseReader(r);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new JsonParseException("more text after the JSON value");
      }
    } catch (JsonParseException | IOException | IllegalStateException ex) {
      String m = ex.getMessage();
      if (ex.getCause() != null && ex.getCause().getMessage() != null) {
        m = ex.getCause().getMessage();
      }
      throw new UserException(Exit.BAD_PARAMS, "invalid JSON params: " + firstLine(m));
    }
    if (!e.isJsonArray() && !e.isJsonObject()) {
      throw new UserException(Exit.BAD_PARAMS,
          "invalid JSON params: must be an array (positional) or an object (named), not " + compact(e));
    }
    return e;
  }

  /**
   * The elements of a params array as call arguments: JSON null becomes Java null, so that the
   * Peer writes it as {@code null}.
   *
   * @param params a JSON array
   * @return the arguments
   */
  static Object[] positional(JsonElement params) {
    JsonArray array = params.getAsJsonArray();
    Object[] args = new Object[array.size()];
    for (int i = 0; i < args.length; i++) {
      JsonElement e = array.get(i);
      args[i] = e.isJsonNull() ? null : e;
    }
    return args;
  }

  /**
   * The members of a params object as named arguments, JSON null as Java null.
   *
   * @param params a JSON object
   * @return the arguments, in the object's order
   */
  static Map<String, Object> named(JsonObject params) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : params.entrySet()) {
      m.put(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue());
    }
    return m;
  }

  /** The {@code data} of a -32602 error, as the library writes it. */
  static JsonElement reason(String parameter, String reason) {
    JsonObject o = new JsonObject();
    o.addProperty("parameter", parameter);
    o.addProperty("reason", reason);
    return o;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
