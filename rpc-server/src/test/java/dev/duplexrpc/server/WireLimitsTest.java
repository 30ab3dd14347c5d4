package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Size limits at the WebSocket layer that the container contract suite does not check: text far
 * over the server's limit (refused on the frame header, the close code read from the server's
 * side), multi-byte text at the limit, and a reply just over the client's limit. Binary messages
 * (1003), text just over the limit, fragmented text, pings and a reply far over the client's limit
 * are in {@code container-tests}' {@code ClientContract}, which {@code EmbeddedServerContractTest}
 * runs against this same embedded server.
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
  void multiByteTextAtTheLimitIsServed() throws Exception {
    // 300 euro signs: 900 bytes of UTF-8 payload, under LIMIT characters in all.
    String euros = "\u20ac".repeat(300);
    try (JdkWebSocketClient client = JdkWebSocketClient.connect(server.uri())) {
      client.send(request(euros));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + euros + "\"}", client.next());
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
