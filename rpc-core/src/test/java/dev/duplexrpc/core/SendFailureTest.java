package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.core.transport.Transport;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a call becomes when its transport cannot send it. */
class SendFailureTest {

  /** A transport whose every send fails with one exception. */
  static final class FailingTransport implements Transport {
    final Throwable failure;

    FailingTransport(Throwable failure) {
      this.failure = failure;
    }

    @Override
    public void start(Listener listener) {}

    @Override
    public CompletionStage<Void> send(String message) {
      return CompletableFuture.failedFuture(failure);
    }

    @Override
    public void close(int code, String reason) {}
  }

  @Test
  void sendFailureFailsTheCallAsAConnectionLoss() throws Exception {
    Peer peer = Peer.builder().transport(new FailingTransport(new IOException("broken pipe"))).build();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> peer.call("m", Integer.class).get(5, TimeUnit.SECONDS));
    ConnectionClosedException c = assertInstanceOf(ConnectionClosedException.class, e.getCause());
    assertEquals(1006, c.closeCode());
    assertEquals("send failed: java.io.IOException: broken pipe", c.closeReason());
  }

  @Test
  void transportsOwnRpcExceptionReachesTheCallerUnchanged() throws Exception {
    RpcException verdict = new RpcException(ErrorCodes.UNREACHABLE, "Connection unreachable");
    Peer peer = Peer.builder().transport(new FailingTransport(verdict)).build();
    ExecutionException call = assertThrows(ExecutionException.class,
        () -> peer.call("m", Integer.class).get(5, TimeUnit.SECONDS));
    assertSame(verdict, call.getCause());
    ExecutionException notification = assertThrows(ExecutionException.class,
        () -> peer.notify("n").get(5, TimeUnit.SECONDS));
    assertSame(verdict, notification.getCause());
    assertEquals(true, peer.isOpen(), "a refused send does not close the Peer");
  }
}
