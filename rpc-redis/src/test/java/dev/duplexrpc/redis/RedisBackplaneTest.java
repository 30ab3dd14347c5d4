package dev.duplexrpc.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.RedisProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The backplane's configuration, and servers joining and leaving a cluster in this JVM. */
class RedisBackplaneTest {

  /** A service that tells a client its connection id. */
  public interface Who {
    @RpcMethod
    String id();
  }

  static final class WhoImpl implements Who {
    @Override
    public String id() {
      return ServerConnection.current().id();
    }
  }

  @Test
  void missingUriFailsAtBuild() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisBackplane.builder().build());
    assertTrue(e.getMessage().contains("A Redis URI is required"), e.getMessage());
  }

  @Test
  void uriThatIsNotRedisIsRefusedAtOnce() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RedisBackplane.builder().uri("http://127.0.0.1:6379"));
    assertTrue(e.getMessage().startsWith("Not a Redis URI: 'http://127.0.0.1:6379'"), e.getMessage());
  }

  @Test
  void passwordIsNotShownInTheUri() {
    RedisBackplane b = RedisBackplane.builder().uri("redis://user:secret@127.0.0.1:6379/0").build();
    assertEquals("redis://***@127.0.0.1:6379/0", b.uri());
    assertFalse(b.toString().contains("secret"), b.toString());
  }

  @Test
  void badNodeIdPrefixAndTtlsAreRefused() {
    RedisBackplane.Builder b = RedisBackplane.builder();
    assertThrows(IllegalArgumentException.class, () -> b.nodeId("has space"));
    assertThrows(IllegalArgumentException.class, () -> b.nodeId(""));
    assertThrows(IllegalArgumentException.class, () -> b.channelPrefix("a b"));
    assertThrows(IllegalArgumentException.class, () -> b.nodeTtl(Duration.ofMillis(99)));
    assertThrows(IllegalArgumentException.class, () -> b.connectionTtl(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.commandTimeout(Duration.ofMillis(-1)));
  }

  @Test
  void defaultsAreDocumentedOnes() {
    RedisBackplane b = RedisBackplane.builder().uri("redis://127.0.0.1:6379").build();
    assertEquals("duplex", b.channelPrefix());
    assertEquals(Duration.ofSeconds(5), b.nodeTtl());
    assertEquals(Duration.ofSeconds(30), b.connectionTtl());
    assertEquals(Duration.ofSeconds(5), b.commandTimeout());
    assertEquals(Duration.ofSeconds(5), b.maxReconnectDelay());
    assertTrue(b.nodeId().matches("node-[0-9a-f]{8}"), b.nodeId());
    assertTrue(!b.nodeId().equals(RedisBackplane.builder().uri("redis://127.0.0.1:6379").build().nodeId()));
  }

  @Test
  void unreachableRedisFailsServerStartWithClearMessage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      port = s.getLocalPort();
    } // closed: nothing listens there now
    RpcServer server = RpcServer.builder()
        .backplane(RedisBackplane.builder().uri("redis://127.0.0.1:" + port).commandTimeout(Duration.ofSeconds(2)).build())
        .build();
    try {
      IOException e = assertThrows(IOException.class, server::start);
      assertTrue(e.getMessage().startsWith("Could not connect to Redis at redis://127.0.0.1:" + port + ": "),
          e.getMessage());
      assertThrows(IllegalStateException.class, server::port, "not listening");
    } finally {
      server.close();
    }
  }

  @Test
  void nodeIdOfALiveNodeCannotBeUsedTwice() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RpcServer first = node(redis, "same").start()) {
      RpcServer second = node(redis, "same");
      try {
        IOException e = assertThrows(IOException.class, second::start);
        assertTrue(e.getMessage().startsWith("Node id 'same' is in use"), e.getMessage());
      } finally {
        second.close();
      }
      assertEquals("same", first.cluster().nodeId());
    }
  }

  @Test
  void closedNodeLeavesTheDirectoryAtOnce() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RpcServer a = node(redis, "a").start()) {
      RpcServer b = node(redis, "b").start();
      try (ClientConnection c = RpcClient.builder().uri(b.uri()).reconnectPolicy(ReconnectPolicy.none()).build().connect()) {
        String id = c.remote(Who.class).id();
        assertEquals(Optional.of("b"), a.cluster().locate(id).get(5, TimeUnit.SECONDS));
        assertTrue(a.cluster().isAvailable());
        b.close();
        assertEquals(Optional.empty(), a.cluster().locate(id).get(5, TimeUnit.SECONDS));
      } finally {
        b.close();
      }
    }
  }

  private static RpcServer node(RedisProcess redis, String id) {
    return RpcServer.builder()
        .service(new WhoImpl())
        .backplane(RedisBackplane.builder().uri(redis.uri()).channelPrefix("jvm").nodeId(id).build())
        .build();
  }
}
