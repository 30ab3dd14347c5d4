package dev.duplexrpc.core.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;

/**
 * Converts a JSON tree to a Java value through Gson's streaming reader. {@link
 * TypeAdapter#fromJsonTree} reads numbers with {@code Number.intValue()} and {@code longValue()},
 * so {@code 1.5} becomes the int {@code 1} and {@code 4294967297} wraps around to {@code 1}; the
 * streaming reader rejects both, as it does everywhere else in Gson.
 */
public final class Trees {
  private Trees() {}

  /**
   * Reads {@code value} with {@code adapter}.
   *
   * @throws RuntimeException if the value does not convert (as the adapter reports it)
   */
  public static <T> T read(TypeAdapter<T> adapter, JsonElement value) {
    JsonReader reader = new JsonReader(new StringReader(value.toString()));
    reader.setNestingLimit(Integer.MAX_VALUE); // the message parser has applied the limit
    try {
      return adapter.read(reader);
    } catch (IOException e) {
      throw new JsonSyntaxException(e);
    }
  }
}
