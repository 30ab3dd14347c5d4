package dev.duplexrpc.core.internal.reply;

import dev.duplexrpc.core.internal.ConnectionState;
import dev.duplexrpc.core.internal.Sent;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionStage;

/**
 * Sends the responses of one connection: each straight out ({@link #direct()}) or gathered into a
 * batch reply ({@link #batch()}), kept within the message size limit, a failed send logged.
 */
public final class Outbox {
  private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

  private final Transport transport;
  private final ConnectionState state;
  private final ReplyFitter fitter;
  private final Replies direct;

  public Outbox(Transport transport, ConnectionState state, MessageWriter writer, int maxMessageSize) {
    this.transport = transport;
    this.state = state;
    this.fitter = new ReplyFitter(writer, maxMessageSize);
    ReplySink sink = (id, json) -> send(fitter.fitted(id, json));
    this.direct = () -> sink; // one sink for every request: nothing made per response
  }

  /** Responses sent one message each. */
  public Replies direct() {
    return direct;
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
