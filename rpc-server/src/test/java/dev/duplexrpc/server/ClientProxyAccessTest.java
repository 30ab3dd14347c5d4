package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconnecting client's proxies are the core's proxies with the connection as their target,
 * so an interface the client module cannot access reflectively works as it does with {@code
 * peer().remote()} (it used to fail with an IllegalAccessException wrapped in
 * UndeclaredThrowableException), default methods included, which run locally.
 */
class ClientProxyAccessTest {
  /** Package-private: the client module may not call its methods reflectively. */
  interface Hidden {
    @RpcMethod("hidden.twice")
    int twice(int x);

    @RpcMethod("hidden.thrice")
    CompletableFuture<Integer> thrice(int x);

    /** Runs locally, then calls the server. */
    default int sixTimes(int x) {
      return twice(thrice(x).join());
    }
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
      assertEquals(30, hidden.sixTimes(5));
      assertSame(hidden, c.remote(Hidden.class));
      assertTrue(hidden.toString().contains("Hidden"), hidden.toString());
    }
  }

  @Test
  void defaultMethodsOfAPackagePrivateInterfaceRunLocallyOnThePeersProxyToo() throws Exception {
    server = RpcServer.builder().service(new HiddenImpl()).build().start();
    try (ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect()) {
      assertEquals(30, c.peer().remote(Hidden.class).sixTimes(5));
    }
  }
}
