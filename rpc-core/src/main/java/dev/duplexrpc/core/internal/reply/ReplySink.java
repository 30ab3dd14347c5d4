package dev.duplexrpc.core.internal.reply;

import dev.duplexrpc.core.internal.codec.Id;

/** Takes the one response a request owes; the response is kept within the message size limit. */
@FunctionalInterface
public interface ReplySink {
  /** Takes the response to the request with this id. */
  void reply(Id id, String json);
}
