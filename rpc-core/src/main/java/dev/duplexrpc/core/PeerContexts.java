package dev.duplexrpc.core;

import dev.duplexrpc.core.internal.dispatch.HandlerContexts;

/** Makes the {@link CallContext}s of one Peer's incoming calls, which only this package may. */
final class PeerContexts implements HandlerContexts {
  private final Peer peer;

  PeerContexts(Peer peer) {
    this.peer = peer;
  }

  @Override
  public CallContext open(String method, boolean notification, RpcContext context) {
    return new CallContext(peer, method, notification, context == null ? RpcContext.EMPTY : context);
  }

  @Override
  public CallContext enter(CallContext context) {
    return CallContext.enter(context);
  }

  @Override
  public void exit(CallContext previous) {
    CallContext.exit(previous);
  }
}
