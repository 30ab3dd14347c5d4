package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.testing.JdkWebSocketClient;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the WebSocket layer refuses: binary messages (1003) and text over the size limit (1009),
 * whatever the size and however it is framed, on the server and on the client; and that the
 * server goes on serving other connections. Also that pings are answered.
 */
class WireLimitsTest {
  static final int LIMIT = 1024;

  /** The service under test. */
  public interface Echo {
    @RpcMethod
    String echo(String s);

    @RpcMethod
    String repeat(String s, int times);
  }

  static final Echo ECHO = new Echo() {
    @Override public String echo(String s) { return s; }
    @Override public String repeat(String s, int times) { return s.repeat(times); }
  };

  static RpcServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RpcServer.builder().maxMessageSize(LIMIT).service(ECHO).build().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static String request(String text) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"" + text + "\"]}";
  }

  /** A fresh connection is served: the server survived whatever happened before. */
  private static void assertServerStillServes() throws Exception {
    try (JdkWebSocketClient other = JdkWebSocketClient.connect(server.uri())) {
      other.send(request("still here"));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"still here\"}", other.next());
    }
  }

  @Test
  void binaryMessageClosesWith1003() throws Exception {
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      client.sendBinary(new byte[] {1, 2, 3});
      assertEquals(1003, client.awaitClose().code());
    }
    assertServerStillServes();
  }

  @Test
  void textJustOverTheLimitClosesWith1009() throws Exception {
    String text = request("x".repeat(LIMIT)); // a little over LIMIT characters, under 3 × LIMIT bytes
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      client.send(text);
      assertEquals(1009, client.awaitClose().code());
    }
    assertServerStillServes();
  }

  @Test
  void textFarOverTheLimitClosesWith1009() throws Exception {
    // Bigger than Tyrus's incoming buffer (3 × LIMIT + 14 bytes): refused by its frame header.
    // The server closes on the header, so the client, still writing the rest of the frame, may
    // fail its write and abort before it reads the close frame: then the server's own record of
    // the close code is what tells. A server of its own, so that no other test's close is seen.
    BlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();
    RpcServer own = RpcServer.builder().maxMessageSize(LIMIT).service(ECHO)
        .connectionListener(new ConnectionListener() {
          @Override public void onOpen(ConnectionSetup setup) {}
          @Override public void onClose(ServerConnection connection, int code, String reason) {
            serverCloses.add(code);
          }
        })
        .build().start();
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(own.uri())) {
      CompletableFuture<?> sent = client.sendWithoutWaiting(request("x".repeat(100 * LIMIT)));
      int clientSaw;
      try {
        clientSaw = client.awaitClose().code();
      } catch (ExecutionException e) {
        if (!isIo(e.getCause())) {
          throw e;
        }
        clientSaw = -1; // the client's write failed first; it never read the close frame
      }
      Integer serverSent = serverCloses.poll(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(1009, serverSent, "the close code the server sent");
      if (clientSaw != -1) {
        assertEquals(1009, clientSaw, "the close code the client read");
      }
      sent.handle((v, e) -> {
        if (e != null && !isIo(e)) {
          throw new AssertionError("unexpected send failure", e);
        }
        return v;
      }).get(JdkWebSocketClient.WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      own.close();
    }
    assertServerStillServes();
  }

  private static boolean isIo(Throwable e) {
    return e instanceof java.io.IOException || (e != null && e.getCause() instanceof java.io.IOException);
  }

  @Test
  void fragmentedTextOverTheLimitClosesWith1009() throws Exception {
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      client.sendPart("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"", false);
      for (int i = 0; i < 4; i++) {
        client.sendPart("y".repeat(LIMIT / 2), false);
      }
      client.sendPart("\"]}", true);
      assertEquals(1009, client.awaitClose().code());
    }
    assertServerStillServes();
  }

  @Test
  void multiByteTextAtTheLimitIsServed() throws Exception {
    // 300 euro signs: 900 bytes of UTF-8 payload, under LIMIT characters in all.
    String euros = "\u20ac".repeat(300);
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      client.send(request(euros));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + euros + "\"}", client.next());
    }
  }

  @Test
  void pingIsAnsweredWithPong() throws Exception {
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      byte[] payload = {7, 8, 9};
      client.ping(payload);
      ByteBuffer pong = client.nextPong();
      byte[] got = new byte[pong.remaining()];
      pong.get(got);
      assertArrayEquals(payload, got);
    }
  }

  @Test
  void clientClosesWith1009WhenTheServerSendsTooMuch() throws Exception {
    try (RpcServer big = RpcServer.builder().service(ECHO).build().start()) {
      ClientConnection connection =
          RpcClient.builder().uri(big.uri()).maxMessageSize(LIMIT).build().connect();
      // The reply is 10 times the client's limit, far past Tyrus's incoming buffer on the client.
      CompletableFuture<String> reply = connection.peer().call("repeat", String.class, "z", 10 * LIMIT);
      ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
      ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, e.getCause());
      assertEquals(1009, closed.closeCode());
      assertEquals(1009, connection.closeFuture().get(10, TimeUnit.SECONDS).closeCode());
    }
  }

  @Test
  void clientClosesWith1009WhenAReplyIsJustOverItsLimit() throws Exception {
    try (RpcServer big = RpcServer.builder().service(ECHO).build().start()) {
      ClientConnection connection =
          RpcClient.builder().uri(big.uri()).maxMessageSize(LIMIT).build().connect();
      CompletableFuture<String> reply = connection.peer().call("repeat", String.class, "z", LIMIT);
      ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
      assertEquals(1009, assertInstanceOf(ConnectionClosedException.class, e.getCause()).closeCode());
    }
  }
}
