package dev.duplexrpc.core.internal.codec;

import java.util.List;

/**
 * What {@link MessageParser} made of one text message.
 *
 * @param messages the messages (one for a single message, any number for a batch)
 * @param batch whether the text was a JSON array
 * @param errorCode 0 on success, else the JSON-RPC error code to answer with (id null)
 * @param errorDetail what went wrong, for the log and for {@code data} where the code allows it
 */
public record ParseResult(List<Message> messages, boolean batch, int errorCode, String errorDetail) {

  static ParseResult failure(int code, String detail) {
    return new ParseResult(List.of(), false, code, detail);
  }

  /** Whether the text parsed. */
  public boolean ok() {
    return errorCode == 0;
  }
}
