package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.CallContext;

/**
 * Makes the {@link CallContext} of each incoming call and makes it current on the handler's
 * thread; implemented by the Peer, which alone may create contexts.
 */
public interface HandlerContexts {
  /** A new context for one incoming call. */
  CallContext open(String method, boolean notification);

  /** Makes a context current and returns the previous one. */
  CallContext enter(CallContext context);

  /** Restores the context {@link #enter} returned. */
  void exit(CallContext previous);
}
