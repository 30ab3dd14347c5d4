package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.duplexrpc.core.ErrorCodes;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one text message with Gson's streaming reader in strict mode, with a nesting limit. The
 * envelope members are read directly; {@code params}, {@code result} and {@code error} are kept as
 * trees for the dispatcher to bind once it knows the method.
 */
public final class MessageParser {
  private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

  private final int maxDepth;
  private final int maxBatch;

  /**
   * @param maxDepth the deepest JSON nesting accepted
   * @param maxBatch the longest batch accepted
   */
  public MessageParser(int maxDepth, int maxBatch) {
    this.maxDepth = maxDepth;
    this.maxBatch = maxBatch;
  }

  /** Parses a whole message; never throws. */
  public ParseResult parse(String text) {
    JsonReader in = new JsonReader(new StringReader(text));
    in.setStrictness(Strictness.STRICT);
    in.setNestingLimit(maxDepth);
    try {
      JsonToken first = in.peek();
      ParseResult result;
      if (first == JsonToken.BEGIN_ARRAY) {
        List<Message> items = new ArrayList<>();
        in.beginArray();
        while (in.hasNext()) {
          if (items.size() >= maxBatch) {
            return ParseResult.failure(
                ErrorCodes.LIMIT_EXCEEDED, "batch has more than " + maxBatch + " items");
          }
          items.add(readItem(in));
        }
        in.endArray();
        result = new ParseResult(items, true, 0, null);
      } else {
        result = new ParseResult(List.of(readItem(in)), false, 0, null);
      }
      if (in.peek() != JsonToken.END_DOCUMENT) {
        return ParseResult.failure(ErrorCodes.PARSE_ERROR, "unexpected data after the JSON value");
      }
      return result;
    } catch (MalformedJsonException e) {
      String m = String.valueOf(e.getMessage());
      if (m.startsWith("Nesting limit")) {
        return ParseResult.failure(
            ErrorCodes.LIMIT_EXCEEDED, "JSON nesting deeper than " + maxDepth + " levels");
      }
      return ParseResult.failure(ErrorCodes.PARSE_ERROR, m);
    } catch (IOException | RuntimeException e) {
      // EOFException for cut input, IllegalStateException / NumberFormatException for bad tokens.
      return ParseResult.failure(ErrorCodes.PARSE_ERROR, String.valueOf(e.getMessage()));
    } catch (StackOverflowError e) {
      return ParseResult.failure(ErrorCodes.LIMIT_EXCEEDED, "JSON nested too deeply");
    }
  }

  private static Message readItem(JsonReader in) throws IOException {
    Message m = new Message();
    if (in.peek() != JsonToken.BEGIN_OBJECT) {
      in.skipValue();
      return m;
    }
    m.object = true;
    in.beginObject();
    while (in.hasNext()) {
      String name = in.nextName();
      switch (name) {
        case "jsonrpc":
          m.hasJsonrpc = true;
          m.jsonrpc = stringOrSkip(in);
          break;
        case "method":
          m.hasMethod = true;
          m.method = stringOrSkip(in);
          break;
        case "id":
          m.hasId = true;
          m.id = readId(in);
          break;
        case "params":
          m.hasParams = true;
          m.params = TREE.read(in);
          break;
        case "result":
          m.hasResult = true;
          m.result = TREE.read(in);
          break;
        case "error":
          m.hasError = true;
          m.error = TREE.read(in);
          break;
        default:
          in.skipValue();
      }
    }
    in.endObject();
    return m;
  }

  private static String stringOrSkip(JsonReader in) throws IOException {
    if (in.peek() == JsonToken.STRING) {
      return in.nextString();
    }
    in.skipValue();
    return null;
  }

  private static Id readId(JsonReader in) throws IOException {
    switch (in.peek()) {
      case STRING:
        return Id.ofString(in.nextString());
      case NUMBER:
        return Id.ofNumberLiteral(in.nextString()); // the literal text, as sent
      case NULL:
        in.nextNull();
        return Id.NULL;
      default:
        in.skipValue();
        return null;
    }
  }
}
