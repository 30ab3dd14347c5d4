package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON assertions for wire tests. Both sides are parsed strictly with Gson and compared as trees,
 * so member order and whitespace do not matter and numbers compare by value ({@code 19} equals
 * {@code 19.0}); a string never equals a number. Where the exact bytes matter (ids, {@code
 * "result":null}), tests assert on the raw text as well.
 */
final class WireJson {
  private WireJson() {}

  /** Parses one complete JSON text strictly; fails the test if it is not exactly one value. */
  static JsonElement parse(String text) {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    try {
      JsonElement value = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        fail("more than one JSON value in: " + text);
      }
      return value;
    } catch (IOException | JsonParseException e) {
      throw new AssertionError("not strict JSON: " + text, e);
    }
  }

  /** Asserts that {@code actual} is the same JSON value as {@code expected}. */
  static void assertJsonEquals(String expected, String actual) {
    assertEquals(parse(expected), parse(actual), () -> "expected " + expected + "\n but got " + actual);
  }

  /**
   * Asserts that {@code actual} is a batch reply (an array) with the entries of {@code expected}
   * in any order: entries with an id are matched by id, entries with {@code "id": null} by count
   * and content.
   */
  static void assertBatchEquals(String expected, String actual) {
    JsonElement exp = parse(expected);
    JsonElement act = parse(actual);
    assertTrue(exp.isJsonArray(), "expected value must be an array: " + expected);
    assertTrue(act.isJsonArray(), () -> "expected a batch reply (an array), but got " + actual);
    List<JsonElement> expNull = new ArrayList<>();
    List<JsonElement> actNull = new ArrayList<>();
    Map<JsonElement, JsonElement> expById = byId(exp.getAsJsonArray(), expNull, expected);
    Map<JsonElement, JsonElement> actById = byId(act.getAsJsonArray(), actNull, actual);
    assertEquals(expById.keySet(), actById.keySet(), () -> "ids differ; got " + actual);
    for (Map.Entry<JsonElement, JsonElement> e : expById.entrySet()) {
      assertEquals(e.getValue(), actById.get(e.getKey()), () -> "entry " + e.getKey() + " of " + actual);
    }
    assertEquals(expNull.size(), actNull.size(), () -> "number of id:null entries in " + actual);
    for (JsonElement e : expNull) {
      assertTrue(actNull.remove(e), () -> "no id:null entry " + e + " in " + actual);
    }
  }

  private static Map<JsonElement, JsonElement> byId(
      JsonArray array, List<JsonElement> nullIds, String text) {
    Map<JsonElement, JsonElement> map = new HashMap<>();
    for (JsonElement entry : array) {
      assertTrue(entry.isJsonObject(), () -> "batch entry is not an object: " + entry + " in " + text);
      JsonElement id = entry.getAsJsonObject().get("id");
      assertTrue(id != null, () -> "batch entry without id: " + entry + " in " + text);
      if (id.isJsonNull()) {
        nullIds.add(entry);
      } else if (map.put(id, entry) != null) {
        fail("two entries with id " + id + " in " + text);
      }
    }
    return map;
  }
}
