package dev.duplexrpc.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a transport's send stage already says, so that a send that went out costs no callback. */
public final class Sent {
  private Sent() {}

  /** Whether {@code stage} has already completed normally: nothing to wait for. */
  public static boolean already(CompletionStage<?> stage) {
    return stage instanceof CompletableFuture<?> f && f.isDone() && !f.isCompletedExceptionally();
  }
}
