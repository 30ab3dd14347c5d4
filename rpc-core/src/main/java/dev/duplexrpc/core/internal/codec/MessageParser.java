package dev.duplexrpc.core.internal.codec;

import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.internal.codec.JsonScanner.Failure;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one text message in a single pass: a strict JSON (RFC 8259) scan with a nesting limit
 * ({@link JsonScanner}) that reads the envelope members directly ({@link EnvelopeMembers}) and
 * records {@code params}, {@code result} and {@code error} as {@link JsonSlice ranges} of the
 * text, so that they are converted once, straight into the handler's or caller's types, without
 * an intermediate tree. This class reads the message's shape: one object, or a batch of them
 * within the batch limit.
 *
 * <p>Never throws for any input: every failure is a {@link ParseResult} with an error code.
 */
public final class MessageParser {
  private final int maxDepth;
  private final int maxBatch;

  /**
   * @param maxDepth the deepest JSON nesting accepted (the envelope is level 1)
   * @param maxBatch the longest batch accepted
   */
  public MessageParser(int maxDepth, int maxBatch) {
    this.maxDepth = maxDepth;
    this.maxBatch = maxBatch;
  }

  /** Parses a whole message. */
  public ParseResult parse(String text) {
    try {
      return message(new JsonScanner(text, maxDepth));
    } catch (Failure f) {
      return ParseResult.failure(f.code, f.getMessage());
    }
  }

  private ParseResult message(JsonScanner in) throws Failure {
    in.skipWs();
    ParseResult result;
    if (in.consume('[')) {
      List<Message> items = new ArrayList<>();
      in.skipWs();
      if (in.peek() == ']') {
        in.advance();
      } else {
        while (true) {
          if (items.size() >= maxBatch) {
            // Still check the rest is JSON: invalid JSON is a parse error whatever its length.
            skipRest(in, 1);
            throw new Failure(
                ErrorCodes.LIMIT_EXCEEDED, "batch has more than " + maxBatch + " items");
          }
          items.add(item(in, 2));
          in.skipWs();
          char c = in.next();
          if (c == ']') {
            break;
          }
          if (c != ',') {
            throw in.parseError("expected ',' or ']' in the batch");
          }
          in.skipWs();
        }
      }
      result = new ParseResult(items, true, 0, null);
    } else {
      result = new ParseResult(List.of(item(in, 1)), false, 0, null);
    }
    in.expectEnd();
    return result;
  }

  /** After the batch limit: validates the remaining items and the closing bracket. */
  private static void skipRest(JsonScanner in, int depth) throws Failure {
    while (true) {
      in.skipWs();
      in.skipValue(depth + 1);
      in.skipWs();
      char c = in.next();
      if (c == ']') {
        in.expectEnd();
        return;
      }
      if (c != ',') {
        throw in.parseError("expected ',' or ']' in the batch");
      }
    }
  }

  /** One message object (anything else is invalid, but must still be JSON) at {@code depth}. */
  private static Message item(JsonScanner in, int depth) throws Failure {
    in.skipWs();
    if (in.peek() != '{') {
      in.skipValue(depth);
      return new Message.Invalid(Id.NULL, "not an object");
    }
    EnvelopeMembers m = new EnvelopeMembers();
    in.enter(depth);
    in.advance();
    in.skipWs();
    if (in.peek() == '}') {
      in.advance();
      return m.classify();
    }
    while (true) {
      m.read(in.memberNameValue(), in, depth + 1);
      in.skipWs();
      char c = in.next();
      if (c == '}') {
        return m.classify();
      }
      if (c != ',') {
        throw in.parseError("expected ',' or '}' in an object");
      }
    }
  }
}
