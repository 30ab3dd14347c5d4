package dev.duplexrpc.core.transport;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connected pair of in-process transports: what one end sends, the other receives. Use it to
 * test services without sockets, or to connect two Peers in one JVM.
 *
 * <pre>{@code
 * InMemoryTransport.Pair pair = InMemoryTransport.pair();
 * PeerConfig serving = PeerConfig.builder().service(new CalculatorImpl()).build();
 * Peer server = Peer.builder().transport(pair.first()).config(serving).build();
 * Peer client = Peer.builder().transport(pair.second()).build();
 * int sum = client.remote(Calculator.class).add(2, 3);
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * Each end delivers its received messages on a thread of its own, one at a time, in order, like a
 * socket's reader thread; {@link #send} only queues and never blocks. The threads are daemon
 * threads and stop when the pair is closed.
 *
 * <h2>Closing</h2>
 *
 * Closing either end closes both: messages sent before the close are still delivered, then each
 * end's listener gets {@code onClose} with the same code and reason. A send after the close
 * completes exceptionally with an {@link IOException}.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class InMemoryTransport implements Transport {

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final String name;
  private final ExecutorService delivery;
  private final CompletableFuture<Listener> listener = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final Shared shared;
  private final String subprotocol;
  private InMemoryTransport peer;

  /** State the two ends share: whether the pair is closed. */
  private static final class Shared {
    final AtomicBoolean closed = new AtomicBoolean();
  }

  private InMemoryTransport(String name, Shared shared, String subprotocol) {
    this.name = name;
    this.shared = shared;
    this.subprotocol = subprotocol;
    this.delivery =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "duplex-inmemory-" + name + "-" + THREAD_IDS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Creates a connected pair without a subprotocol: the two ends speak plain JSON-RPC 2.0.
   *
   * @return a new pair whose ends are not yet started
   */
  public static Pair pair() {
    return pair("");
  }

  /**
   * Creates a connected pair whose ends report {@code subprotocol} as agreed, as a WebSocket
   * handshake would: {@link Subprotocols#DUPLEX} to let two Peers use Duplex RPC's wire extensions.
   *
   * @param subprotocol the agreed subprotocol, or the empty string for none
   * @return a new pair whose ends are not yet started
   * @since 0.2
   */
  public static Pair pair(String subprotocol) {
    Objects.requireNonNull(subprotocol, "subprotocol == null");
    Shared shared = new Shared();
    InMemoryTransport a = new InMemoryTransport("first", shared, subprotocol);
    InMemoryTransport b = new InMemoryTransport("second", shared, subprotocol);
    a.peer = b;
    b.peer = a;
    return new Pair(a, b);
  }

  /**
   * The two ends of a connected in-memory pair.
   *
   * @param first one end
   * @param second the other end
   * @since 0.1
   */
  public record Pair(InMemoryTransport first, InMemoryTransport second) {}

  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener == null");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("transport already started");
    }
    this.listener.complete(listener);
  }

  @Override
  public CompletionStage<Void> send(String message) {
    Objects.requireNonNull(message, "message == null");
    if (shared.closed.get()) {
      return CompletableFuture.failedFuture(new IOException("in-memory transport is closed"));
    }
    peer.deliver(l -> l.onMessage(message));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close(int code, String reason) {
    if (!shared.closed.compareAndSet(false, true)) {
      return;
    }
    String r = reason == null ? "" : reason;
    peer.deliverClose(code, r);
    deliverClose(code, r);
  }

  @Override
  public String subprotocol() {
    return subprotocol;
  }

  /**
   * Whether the pair has been closed from either end.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return shared.closed.get();
  }

  @Override
  public String toString() {
    return "InMemoryTransport[" + name + (isClosed() ? ", closed" : "") + "]";
  }

  private interface Delivery {
    void to(Listener listener);
  }

  private void deliver(Delivery d) {
    // Waits for start() without blocking anyone: the task chains on the listener future, and the
    // single delivery thread keeps the order.
    delivery.execute(() -> d.to(listener.join()));
  }

  private void deliverClose(int code, String reason) {
    delivery.execute(
        () -> {
          try {
            listener.join().onClose(code, reason);
          } finally {
            delivery.shutdown();
          }
        });
  }
}
