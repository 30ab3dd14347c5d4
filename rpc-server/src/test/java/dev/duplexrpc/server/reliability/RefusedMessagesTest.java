package dev.duplexrpc.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.Heap;
import dev.duplexrpc.testing.RawWebSocket;
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

  final AtomicInteger opened = new AtomicInteger();
  final Semaphore closed = new Semaphore(0);
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
    server = RpcServer.builder()
        .service(new Echo())
        .maxMessageSize(LIMIT)
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
        .build()
        .start();
    // Over the limit in characters but within the frame guard's bytes: the Peer refuses it.
    byte[] wholeTooBig = RawWebSocket.frame(0x1, text(LIMIT * 2), true, true);
    // Two fragments, each within every limit, together over it.
    byte[] fragmentsTooBig = concat(RawWebSocket.frame(0x1, text(LIMIT * 2), false, true),
        RawWebSocket.frame(0x0, text(LIMIT * 2), true, true));
    // Fragments over the limit in characters but within the guard's bytes: the Peer refuses the
    // message from inside Tyrus's handler, and the close must wait until Tyrus is done with it.
    byte[] fragmentsOverInCharacters = concat(RawWebSocket.frame(0x1, text(LIMIT * 3 / 4), false, true),
        RawWebSocket.frame(0x0, text(LIMIT * 3 / 4), true, true));
    byte[] binaryFragments = concat(RawWebSocket.frame(0x2, text(LIMIT), false, true),
        RawWebSocket.frame(0x0, text(LIMIT), true, true));
    for (int i = 0; i < 5; i++) { // warm up before measuring
      refusedWith(wholeTooBig);
    }
    long before = Heap.usedAfterGc();
    for (int i = 0; i < ROUNDS; i++) {
      assertEquals(1009, refusedWith(wholeTooBig));
      assertEquals(1009, refusedWith(fragmentsTooBig));
      assertEquals(1009, refusedWith(fragmentsOverInCharacters));
      assertEquals(1003, refusedWith(binaryFragments));
    }
    // The close frame reaches the client just before the server has finished closing: wait for
    // every connection's close on the server before measuring.
    assertTrue(closed.tryAcquire(opened.get(), 10, TimeUnit.SECONDS), "every connection closed on the server");
    long after = Heap.usedAfterGc();
    // A leaked session keeps its buffered fragments: 300 of them came to 8 MiB.
    assertTrue(after - before < 4L << 20, "heap after GC grew by " + Heap.mib(after - before));
    assertEquals(0, server.connections().size());
    System.out.printf("refused messages: %d connections refused; heap after GC %s before, %s after%n",
        4 * ROUNDS, Heap.mib(before), Heap.mib(after));
  }
}
