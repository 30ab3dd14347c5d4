package dev.duplexrpc.core.internal.reply;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.internal.Limits;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps responses within the message size limit: a response too large is replaced by a -32003
 * error with its id, and a batch reply too large has its largest responses replaced until it
 * fits.
 */
final class ReplyFitter {
  private final MessageWriter writer;
  private final int maxMessageSize;

  ReplyFitter(MessageWriter writer, int maxMessageSize) {
    this.writer = writer;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * A response as it may be sent: itself if it fits in the message size limit, else a -32003
   * error with its id, or with id null if even that is too large (a long id).
   */
  String fitted(Id id, String json) {
    if (json.length() <= maxMessageSize) {
      return json;
    }
    JsonElement data = Limits.tooLarge("response", json.length(), maxMessageSize).data();
    String error = writer.error(id, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
    return error.length() <= maxMessageSize
        ? error
        : writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
  }

  /**
   * A batch's responses as one array within the message size limit. While it is too large, the
   * largest response is replaced by a -32003 error with its id (id null if the id is what makes
   * the response large), so every other response still arrives. If even that does not fit, the
   * reply is one -32003 error with id null.
   */
  String batchReply(List<BatchReply.Reply> replies) {
    int n = replies.size();
    String[] texts = new String[n];
    long length = n + 1; // the brackets and the commas
    for (int i = 0; i < n; i++) {
      texts[i] = replies.get(i).json();
      length += texts[i].length();
    }
    if (length > maxMessageSize) {
      JsonElement data =
          Limits.tooLarge("batch response", (int) Math.min(length, Integer.MAX_VALUE), maxMessageSize)
              .data();
      List<Integer> largestFirst = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        largestFirst.add(i);
      }
      largestFirst.sort((a, b) -> Integer.compare(texts[b].length(), texts[a].length()));
      for (int i : largestFirst) {
        if (length <= maxMessageSize) {
          break;
        }
        String error =
            writer.error(replies.get(i).id(), ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
        if (error.length() >= texts[i].length()) { // the id is what makes it large
          error = writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
        }
        if (error.length() < texts[i].length()) {
          length += error.length() - texts[i].length();
          texts[i] = error;
        }
      }
      if (length > maxMessageSize) {
        return writer.error(Id.NULL, ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
      }
    }
    return "[" + String.join(",", texts) + "]";
  }
}
