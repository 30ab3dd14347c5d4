package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerListener;
import dev.duplexrpc.core.transport.Transport;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * How one Peer ends, and what its transport delivers: the connection state closes once, pending
 * calls and streams fail with the same {@link ConnectionClosedException}, then the close future
 * and the listener are told on the executor (they are user code). The transport's messages go to
 * the pipeline's receiver; its close report takes the same path as a local close.
 */
public final class PeerClosing implements Transport.Listener {
  private static final System.Logger LOG = System.getLogger(Peer.class.getName());

  private final Peer peer;
  private final Transport transport;
  private final Pipeline pipeline;
  private final Executor executor;
  private final PeerListener listener;
  private final CompletableFuture<ConnectionClosedException> closeFuture =
      new CompletableFuture<>();

  /**
   * The closing of one Peer.
   *
   * @param peer the Peer, passed to the listener
   * @param transport its transport
   * @param pipeline its stages
   * @param executor where the close future's dependents and the listener run
   * @param listener the Peer's listener, or null
   */
  public PeerClosing(Peer peer, Transport transport, Pipeline pipeline, Executor executor,
      PeerListener listener) {
    this.peer = peer;
    this.transport = transport;
    this.pipeline = pipeline;
    this.executor = executor;
    this.listener = listener;
  }

  @Override
  public void onMessage(String message) {
    pipeline.receiver().receive(message);
  }

  @Override
  public void onClose(int code, String reason) {
    closed(code, reason);
  }

  /** Closes the connection from this end: state first, then the transport's close frame. */
  public void close(int code, String reason) {
    closed(code, reason);
    transport.close(code, reason);
  }

  /** A graceful shutdown: running handlers finish within {@code grace}, then the close. */
  public CompletableFuture<Void> shutdown(Duration grace) {
    return pipeline.admission().shutdown(grace, closeFuture);
  }

  /** A view of the close future, so that callers cannot complete it. */
  public CompletableFuture<ConnectionClosedException> closeFuture() {
    return closeFuture.thenApply(e -> e);
  }

  private void closed(int code, String reason) {
    ConnectionClosedException ex = pipeline.state().close(code, reason);
    if (ex != null) {
      LOG.log(Level.DEBUG, "Closed {0}: {1} {2}", transport, code, reason);
      pipeline.calls().closed(ex);
      pipeline.streams().closed(ex);
      Defaults.execute(executor, () -> {
        closeFuture.complete(ex);
        if (listener != null) {
          listener.onClose(peer, code, reason);
        }
      });
    }
  }
}
