package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.core.annotation.DirectExecution;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The replies a direct-mode handler produces during one read are gathered and written together
 * when the read ends: a raw client writes 100 requests with a ping in the middle in one TCP
 * write, and gets every reply, in order, with the pong after the first 50 (a control frame first
 * writes out what was gathered, so the wire keeps the order of the writes); every tenth reply is
 * too large to gather and is written on its own, still in order.
 */
class CoalescedRepliesTest {
  /** Answers on the selector thread. */
  public interface Doubler {
    @DirectExecution
    @RpcMethod
    int twice(int n);

    /** A reply of {@code n} characters: past the gathered frame size, it is written on its own. */
    @DirectExecution
    @RpcMethod
    String text(int n);
  }

  @Test
  void repliesOfOneReadArriveInOrderAroundAPong() throws Exception {
    Doubler impl = new Doubler() {
      @Override
      public int twice(int n) {
        return 2 * n;
      }

      @Override
      public String text(int n) {
        return "x".repeat(n);
      }
    };
    try (RpcServer server = RpcServer.builder().service(impl).build().start();
        RawWebSocket ws = RawWebSocket.connect(URI.create(server.uri().toString()), 0, 10_000)) {
      for (int round = 0; round < 20; round++) {
        ByteArrayOutputStream burst = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
          if (i == 50) {
            burst.writeBytes(RawWebSocket.frame(0x9, "p".getBytes(StandardCharsets.UTF_8), true, true));
          }
          // Every tenth reply is large (20,000 characters, past what is gathered), the rest small.
          String request = i % 10 == 3
              ? "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"text\",\"params\":[20000]}"
              : "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"twice\",\"params\":[" + i + "]}";
          burst.writeBytes(RawWebSocket.frame(0x1, request.getBytes(StandardCharsets.UTF_8), true, true));
        }
        ws.write(burst.toByteArray());
        for (int i = 0; i < 100; i++) {
          if (i == 50) {
            RawWebSocket.Frame pong = ws.readFrame();
            assertEquals(0xA, pong.opcode(), "round " + round + ": the pong after 50 replies");
            assertEquals("p", pong.text());
          }
          RawWebSocket.Frame reply = ws.readFrame();
          assertEquals(0x1, reply.opcode(), "round " + round + ", reply " + i);
          String result = i % 10 == 3 ? "\"" + "x".repeat(20000) + "\"" : String.valueOf(2 * i);
          assertEquals("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"result\":" + result + "}", reply.text());
        }
      }
    }
  }
}
