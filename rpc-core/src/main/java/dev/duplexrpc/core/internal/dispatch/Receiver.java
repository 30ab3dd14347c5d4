package dev.duplexrpc.core.internal.dispatch;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.internal.Closer;
import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.EventCounters;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.Message;
import dev.duplexrpc.core.internal.codec.MessageParser;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.ParseResult;
import dev.duplexrpc.core.internal.reply.BatchReply;
import dev.duplexrpc.core.internal.reply.Outbox;
import java.lang.System.Logger.Level;

/**
 * The first stage of every incoming text message: checks its size, parses it, answers what does
 * not parse (-32700, an empty batch, a limit), and hands each message to the dispatcher with
 * where its responses go: straight out, or into one batch reply.
 */
public final class Receiver {
  private static final System.Logger LOG = System.getLogger(Receiver.class.getName());

  private final Object connection; // for logs
  private final ConnectionState state;
  private final Closer closer;
  private final int maxMessageSize;
  private final MessageParser parser;
  private final MessageWriter writer;
  private final Outbox outbox;
  private final Dispatcher dispatcher;

  public Receiver(Object connection, ConnectionState state, Closer closer, int maxMessageSize,
      MessageParser parser, MessageWriter writer, Outbox outbox, Dispatcher dispatcher) {
    this.connection = connection;
    this.state = state;
    this.closer = closer;
    this.maxMessageSize = maxMessageSize;
    this.parser = parser;
    this.writer = writer;
    this.outbox = outbox;
    this.dispatcher = dispatcher;
  }

  /** Handles one incoming text message; called on the transport's thread. */
  public void receive(String text) {
    if (!state.isOpen()) {
      return;
    }
    if (text.length() > maxMessageSize) {
      String reason = "Message too big: " + text.length() + " > " + maxMessageSize;
      LOG.log(Level.WARNING, "Closing {0}: {1}", connection, reason);
      EventCounters.TOO_LARGE.increment();
      closer.close(1009, reason);
      return;
    }
    ParseResult parsed = parser.parse(text);
    if (!parsed.ok()) {
      LOG.log(Level.DEBUG, "Rejected message: {0}", parsed.errorDetail());
      JsonElement data = null;
      if (parsed.errorCode() == ErrorCodes.LIMIT_EXCEEDED) {
        JsonObject d = new JsonObject();
        d.addProperty("reason", parsed.errorDetail());
        data = d;
      }
      outbox.send(writer.error(Id.NULL, parsed.errorCode(), ErrorCodes.message(parsed.errorCode()), data));
      return;
    }
    if (!parsed.batch()) {
      dispatcher.route(parsed.messages().get(0), outbox.direct());
    } else if (parsed.messages().isEmpty()) {
      outbox.send(writer.error(Id.NULL, ErrorCodes.INVALID_REQUEST, "Invalid Request", null));
    } else {
      BatchReply batch = outbox.batch();
      for (Message m : parsed.messages()) {
        dispatcher.route(m, batch);
      }
      batch.seal();
    }
  }
}
