package dev.duplexrpc.core.internal.dispatch;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcContext;

/**
 * Makes the {@link CallContext} of each incoming call and makes it current on the handler's
 * thread; implemented by the Peer, which alone may create contexts.
 */
public interface HandlerContexts {
  /**
   * A new context for one incoming call.
   *
   * @param context what interceptors put on the call, or null for none
   */
  CallContext open(String method, boolean notification, RpcContext context);

  /** Makes a context current and returns the previous one. */
  CallContext enter(CallContext context);

  /** Restores the context {@link #enter} returned. */
  void exit(CallContext previous);
}
