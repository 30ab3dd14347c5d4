package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import dev.duplexrpc.core.internal.call.ParamsWriter;
import dev.duplexrpc.core.internal.codec.MessageParser;
import dev.duplexrpc.core.internal.codec.MessageWriter;

/**
 * The message writer, parser and params writer of one configuration, made once and shared by
 * every Peer built from it (each is immutable and thread-safe), instead of three objects per
 * connection.
 *
 * @param writer writes messages with the configuration's Gson
 * @param parser parses incoming text within the nesting and batch limits
 * @param params writes call params with the configuration's Gson
 */
public record Codecs(MessageWriter writer, MessageParser parser, ParamsWriter params) {
  /** The codecs of a configuration with this Gson and these limits. */
  public static Codecs of(Gson gson, int maxNestingDepth, int maxBatchSize) {
    return new Codecs(new MessageWriter(gson), new MessageParser(maxNestingDepth, maxBatchSize),
        new ParamsWriter(gson));
  }
}
