package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconnecting client's proxies call through the core's proxy handler, so an interface the
 * client module cannot access reflectively works as it does with {@code peer().remote()}: it
 * used to fail with an IllegalAccessException wrapped in UndeclaredThrowableException.
 */
class ClientProxyAccessTest {
  /** Package-private: the client module may not call its methods reflectively. */
  interface Hidden {
    @RpcMethod("hidden.twice")
    int twice(int x);

    @RpcMethod("hidden.thrice")
    CompletableFuture<Integer> thrice(int x);
  }

  static final class HiddenImpl {
    @RpcMethod("hidden.twice")
    public int twice(int x) {
      return 2 * x;
    }

    @RpcMethod("hidden.thrice")
    public int thrice(int x) {
      return 3 * x;
    }
  }

  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void packagePrivateInterfaceWorksThroughTheConnectionsProxy() throws Exception {
    server = RpcServer.builder().service(new HiddenImpl()).build().start();
    try (ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect()) {
      Hidden hidden = c.remote(Hidden.class);
      assertEquals(42, hidden.twice(21));
      assertEquals(15, hidden.thrice(5).get(10, TimeUnit.SECONDS));
    }
  }
}
