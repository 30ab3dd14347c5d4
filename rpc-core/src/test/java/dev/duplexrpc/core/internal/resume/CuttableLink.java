package dev.duplexrpc.core.internal.resume;

import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One end of an in-memory link that a test can freeze (what it sends from then on is lost, as in
 * a dead socket) and that records what it sent.
 */
final class CuttableLink implements Transport {
  private final Transport inner;
  private volatile boolean frozen;
  final BlockingQueue<String> sent = new LinkedBlockingQueue<>();

  CuttableLink(Transport inner) {
    this.inner = inner;
  }

  void freeze() {
    frozen = true;
  }

  @Override
  public void start(Listener listener) {
    inner.start(listener);
  }

  @Override
  public CompletionStage<Void> send(String message) {
    if (frozen) {
      return CompletableFuture.completedFuture(null);
    }
    sent.add(message);
    return inner.send(message);
  }

  @Override
  public void close(int code, String reason) {
    inner.close(code, reason);
  }

  @Override
  public String subprotocol() {
    return inner.subprotocol();
  }

  @Override
  public String toString() {
    return "CuttableLink[" + inner + "]";
  }
}
