package dev.duplexrpc.client;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the client does without a server: builder checks, refused and silent servers. */
class RpcClientTest {

  @Test
  void builderRejectsBadSettingsAtOnce() {
    assertThrows(IllegalStateException.class, () -> RpcClient.builder().build());
    assertThrows(IllegalArgumentException.class, () -> RpcClient.builder().uri("http://127.0.0.1/"));
    assertThrows(IllegalArgumentException.class, () -> RpcClient.builder().connectTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RpcClient.builder().maxMessageSize(10));
    assertThrows(IllegalArgumentException.class, () -> RpcClient.builder().service(new Object()));
    assertThrows(NullPointerException.class, () -> RpcClient.builder().header("X", null));
  }

  @Test
  void newBuilderKeepsTheSettings() {
    RpcClient client = RpcClient.builder().uri("ws://127.0.0.1:1/a").build();
    assertEquals("ws://127.0.0.1:1/a", client.newBuilder().build().uri().toString());
    assertEquals("ws://127.0.0.1:2/b",
        client.newBuilder().uri("ws://127.0.0.1:2/b").build().uri().toString());
    assertEquals("ws://127.0.0.1:1/a", client.uri().toString());
  }

  @Test
  void newBuilderTakesAnotherValueOfACopiedHeader() {
    RpcClient client = RpcClient.builder().uri("ws://127.0.0.1:1/a").header("X-Token", "a").build();
    // The derived builder's header lists are its own: adding to one once threw.
    assertDoesNotThrow(() -> client.newBuilder().header("X-Token", "b").build());
  }

  @Test
  void refusedConnectionFailsWithIoException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    RpcClient client = RpcClient.builder().uri("ws://127.0.0.1:" + port + "/").build();
    assertThrows(IOException.class, client::connect);
  }

  @Test
  void silentServerFailsWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      // Accept the TCP connection and never answer the handshake.
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return silent.accept();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      RpcClient client = RpcClient.builder()
          .uri("ws://127.0.0.1:" + silent.getLocalPort() + "/")
          .connectTimeout(Duration.ofMillis(500))
          .build();
      long start = System.nanoTime();
      assertThrows(IOException.class, client::connect);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 5_000, "took " + millis + " ms");
      accepted.get(5, TimeUnit.SECONDS).close();
    }
  }
}
