package dev.duplexrpc.core;

import dev.duplexrpc.core.transport.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport driven by the test thread: {@link #deliver} hands one message to the Peer on the
 * calling thread and returns what the Peer sent meanwhile, so an exception escaping the Peer
 * reaches the test. {@code send} records the frame and completes at once; {@code close} records
 * the code and reports the close to the Peer once, as a real transport does.
 *
 * <p>With {@code Peer.builder().config(PeerConfig.builder().executor(Runnable::run).build())} handlers run inline, and every reply to a
 * message has been sent when {@link #deliver} returns.
 *
 * <pre>{@code
 * DirectTransport transport = new DirectTransport();
 * Peer peer = Peer.builder().transport(transport).service(impl).config(PeerConfig.builder().executor(Runnable::run).build()).build();
 * List<String> replies = transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}");
 * }</pre>
 */
final class DirectTransport implements Transport {
  private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  /** Every close code passed to {@link #close}, in order. */
  final List<Integer> closeCodes = Collections.synchronizedList(new ArrayList<>());
  /** Frames sent from a thread other than the one in {@link #deliver}: 0 with an inline executor. */
  final AtomicInteger sendsFromOtherThreads = new AtomicInteger();
  private volatile Listener listener;
  private volatile Thread driver;

  @Override
  public void start(Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("started twice");
    }
    this.listener = Objects.requireNonNull(listener, "listener == null");
  }

  @Override
  public CompletionStage<Void> send(String message) {
    Thread d = driver;
    if (d != null && d != Thread.currentThread()) {
      sendsFromOtherThreads.incrementAndGet();
    }
    sent.add(message);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close(int code, String reason) {
    boolean first;
    synchronized (closeCodes) {
      first = closeCodes.isEmpty();
      closeCodes.add(code);
    }
    if (first) {
      listener.onClose(code, reason);
    }
  }

  /** Delivers one message on this thread; returns the frames sent while it was handled. */
  List<String> deliver(String message) {
    driver = Thread.currentThread();
    listener.onMessage(message);
    return drain();
  }

  /** The frames sent since the last call, in order. */
  List<String> drain() {
    synchronized (sent) {
      List<String> out = new ArrayList<>(sent);
      sent.clear();
      return out;
    }
  }
}
