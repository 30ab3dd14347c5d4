package dev.duplexrpc.server.internal;

import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * Sits in front of Grizzly's HTTP codec and, once a connection is a WebSocket, hands its bytes
 * straight to Tyrus ({@link TyrusFilter#deliver}). Without it every frame would pass through the
 * codec as the body of the never-ending upgrade request, which keeps that parsed request (headers,
 * chunks, buffers: about 10 KB) alive for the life of the connection; with it, {@link
 * TyrusFilter} drops the request after the handshake. Until the upgrade it only passes reads on.
 */
final class UpgradedFramesFilter extends BaseFilter {
  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    Object message = ctx.getMessage();
    if (message instanceof Buffer && TyrusFilter.isUpgraded(ctx.getConnection())) {
      Buffer buffer = (Buffer) message;
      if (buffer.hasRemaining()) {
        TyrusFilter.deliver(ctx.getConnection(), buffer);
      }
      return ctx.getStopAction();
    }
    return ctx.getInvokeAction();
  }
}
