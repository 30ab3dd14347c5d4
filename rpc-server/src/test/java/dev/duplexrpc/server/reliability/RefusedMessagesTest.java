package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.testing.Heap;
import dev.duplexrpc.server.testing.RawWebSocket;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages refused for their size or kind, whole or in fragments, close their connection with the
 * right code and leave nothing behind on the server. (Tyrus, left to refuse an over-size message
 * itself, kept every such session in its engine: a leak this test measures.)
 */
class RefusedMessagesTest {
  static final int LIMIT = 16 * 1024;
  static final int ROUNDS = 300;

  public static final class Echo {
    @RpcMethod("echo")
    public String echo(String s) {
      return s;
    }
  }

  RpcServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends {@code bytes}, reads up to the close frame, returns its code. */
  private int refusedWith(byte[] bytes) throws IOException {
    try (RawWebSocket ws = RawWebSocket.connect(server.uri(), 0, 10_000)) {
      ws.write(bytes);
      while (true) {
        RawWebSocket.Frame f = ws.readFrame();
        if (f.opcode() == 0x8) {
          return f.closeCode();
        }
      }
    }
  }

  private static byte[] text(int bytes) {
    byte[] b = new byte[bytes];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void refusedMessagesCloseWithTheirCodeAndLeaveNothingBehind() throws Exception {
    // Every connection the server accepted, and a permit for each one it has finished closing (its
    // listener hears the close after the registry dropped it): the client sees the close frame
    // before the server is done, so the registry is checked only once every close is through.
    AtomicInteger opened = new AtomicInteger();
    Semaphore closed = new Semaphore(0);
    server = RpcServer.builder().service(new Echo()).maxMessageSize(LIMIT)
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            opened.incrementAndGet();
          }

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            closed.release();
          }
        })
        .build().start();
    // Over the limit in characters but within the frame guard's bytes: the Peer refuses it.
    byte[] wholeTooBig = RawWebSocket.frame(0x1, text(LIMIT * 2), true, true);
    // Two fragments, each within every limit, together over it.
    byte[] fragmentsTooBig = concat(RawWebSocket.frame(0x1, text(LIMIT * 2), false, true),
        RawWebSocket.frame(0x0, text(LIMIT * 2), true, true));
    byte[] binaryFragments = concat(RawWebSocket.frame(0x2, text(LIMIT), false, true),
        RawWebSocket.frame(0x0, text(LIMIT), true, true));
    for (int i = 0; i < 5; i++) { // warm up before measuring
      refusedWith(wholeTooBig);
    }
    long before = Heap.usedAfterGc();
    for (int i = 0; i < ROUNDS; i++) {
      assertEquals(1009, refusedWith(wholeTooBig));
      assertEquals(1009, refusedWith(fragmentsTooBig));
      assertEquals(1003, refusedWith(binaryFragments));
    }
    assertTrue(closed.tryAcquire(opened.get(), 30, TimeUnit.SECONDS),
        closed.availablePermits() + " of " + opened.get() + " connections closed on the server");
    long after = Heap.usedAfterGc();
    // A leaked session keeps its first fragment (32 KiB here): 300 of them came to 8 MiB.
    assertTrue(after - before < 4L << 20, "heap after GC grew by " + Heap.mib(after - before));
    assertEquals(0, server.connections().size());
    System.out.printf("refused messages: %d connections refused; heap after GC %s before, %s after%n",
        3 * ROUNDS, Heap.mib(before), Heap.mib(after));
  }
}
