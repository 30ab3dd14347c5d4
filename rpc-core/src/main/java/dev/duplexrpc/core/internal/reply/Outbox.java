package dev.duplexrpc.core.internal.reply;

import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Sent;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;

/**
 * Sends the responses of one connection: each straight out ({@link #direct()}) or gathered into a
 * batch reply ({@link #batch()}), kept within the message size limit, a failed send logged. The
 * outbox is itself the direct replies and their one sink: nothing is made per response, nor per
 * connection beside the outbox.
 */
public final class Outbox implements Replies, ReplySink {
  private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

  private final Transport transport;
  private final ConnectionState state;
  private final ReplyFitter fitter;

  public Outbox(Transport transport, ConnectionState state, MessageWriter writer, int maxMessageSize) {
    this.transport = transport;
    this.state = state;
    this.fitter = new ReplyFitter(writer, maxMessageSize);
  }

  /** Responses sent one message each. */
  public Replies direct() {
    return this;
  }

  /** The direct replies' one sink, for every request. */
  @Override
  public ReplySink owe() {
    return this;
  }

  /** Sends the response to one request, fitted to the message size limit. */
  @Override
  public void reply(Id id, String json) {
    send(fitter.fitted(id, json));
  }

  /** A new batch reply; {@link BatchReply#seal() seal} it after routing the batch. */
  public BatchReply batch() {
    return new BatchReply(this);
  }

  ReplyFitter fitter() {
    return fitter;
  }

  /** Sends one response message as it is. */
  public void send(String json) {
    CompletionStage<Void> sent = transport.send(json);
    if (Sent.already(sent)) {
      return;
    }
    sent.whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(state.isOpen() ? Level.INFO : Level.DEBUG, "Response not sent on {0}: {1}",
            transport, e);
      }
    });
  }
}
