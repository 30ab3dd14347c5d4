package dev.duplexrpc.core.internal.reply;

/** Where the responses one incoming message owes go: straight out, or into a batch reply. */
@FunctionalInterface
public interface Replies {
  /** Reserves one response; call before dispatching the work that produces it. */
  ReplySink owe();
}
