package dev.duplexrpc.server.internal;

import java.io.IOException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.strategies.AbstractIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;

/**
 * The embedded listener's I/O strategy: WebSocket frames are read and decoded on the selector
 * thread that saw them arrive; everything else (the HTTP upgrade with its {@code
 * ConnectionListener.onOpen}, closes) runs on Grizzly's worker pool as with Tyrus's stock {@code
 * WorkerThreadIOStrategy}.
 *
 * <p>Reading frames in place is safe because nothing slow happens there: the library's Peer parses
 * each message and hands every handler to its own executor, so the worker hop Tyrus's default
 * makes for every read only adds a thread switch. rpc-bench measured the server's CPU per call
 * about halved at 1 connection × 64 in flight. The upgrade stays on a worker because it runs the
 * application's connection listener, which may block (authentication, lookups).
 *
 * <p>Accepts run on the selector thread as in Grizzly's strategies; a failed one (no file
 * descriptor left) pauses accepting for a moment, see {@link ConnectionGuard}.
 */
final class FramesOnSelectorStrategy extends AbstractIOStrategy {
  private final ConnectionGuard guard;

  /** @param guard told of failed accepts, to pause accepting (see {@link ConnectionGuard#acceptListener}) */
  FramesOnSelectorStrategy(ConnectionGuard guard) {
    this.guard = guard;
  }

  @Override
  public boolean executeIoEvent(Connection connection, IOEvent ioEvent, boolean isIoEventEnabled)
      throws IOException {
    if (ioEvent == IOEvent.SERVER_ACCEPT) {
      // As Grizzly's strategies do, on this thread, but with a listener that hears a failed
      // accept (Grizzly's own drops it, and the selector would spin on the socket it cannot take).
      connection.getTransport().fireIOEvent(ioEvent, connection, guard.acceptListener());
      return true;
    }
    if (ioEvent == IOEvent.READ && TyrusFilter.isUpgraded(connection)) {
      return SameThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
    }
    return WorkerThreadIOStrategy.getInstance().executeIoEvent(connection, ioEvent, isIoEventEnabled);
  }
}
