package dev.duplexrpc.core.internal.reply;

import dev.duplexrpc.core.internal.codec.Id;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects the responses an incoming batch owes and sends them as one array once the last one is
 * in (nothing when nothing is owed).
 */
public final class BatchReply implements Replies {
  /** One response of a batch reply. */
  record Reply(Id id, String json) {}

  private final Outbox outbox;
  private final AtomicInteger outstanding = new AtomicInteger(1); // 1 = not sealed yet
  private final List<Reply> replies = Collections.synchronizedList(new ArrayList<>());

  BatchReply(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public ReplySink owe() {
    outstanding.incrementAndGet();
    return (id, json) -> {
      replies.add(new Reply(id, outbox.fitter().fitted(id, json)));
      done();
    };
  }

  /** Called once every item of the batch has been routed. */
  public void seal() {
    done();
  }

  private void done() {
    if (outstanding.decrementAndGet() == 0 && !replies.isEmpty()) {
      outbox.send(outbox.fitter().batchReply(replies));
    }
  }
}
