package dev.duplexrpc.redis;

import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster node in its own JVM, for the tests: {@code NodeMain <redis uri> <prefix> <node id>
 * <node ttl ms>} serves {@link Hub} on 127.0.0.1 with a {@link RedisBackplane}, declares the event
 * {@code tick}, prints {@code NODE <port> <node id> <pid>} once it listens, and exits when its
 * standard input ends (so it never outlives the test JVM that started it).
 */
public final class NodeMain {
  private NodeMain() {}

  /** What every node serves. */
  public interface Hub {
    /** {@code "<node id> <connection id>"} of the caller. */
    @RpcMethod
    String whoAmI();

    /** Calls {@link Client#twice} of a client on any node through a blocking typed proxy. */
    @RpcMethod
    int relay(String connectionId, int n);

    /** The same through an asynchronous typed proxy. */
    @RpcMethod
    CompletableFuture<Integer> relayAsync(String connectionId, int n);

    /** Calls {@link Client#hang} of a client on any node. */
    @RpcMethod
    CompletableFuture<String> relayHang(String connectionId);

    /** Calls {@link Client#fail} of a client on any node. */
    @RpcMethod
    int relayFail(String connectionId, int code);

    /** Publishes {@code tick} with the payloads {@code from, from + 1, ...}; returns the local deliveries. */
    @RpcMethod
    int publish(int from, int count);

    /** The node holding a connection, or "" if none. */
    @RpcMethod
    String locate(String connectionId);
  }

  /** What the test clients serve. */
  public interface Client {
    /** Returns {@code 2 n}. */
    @RpcMethod
    int twice(int n);

    /** Never answers. */
    @RpcMethod
    CompletableFuture<String> hang();

    /** Throws an {@link RpcException} with the code. */
    @RpcMethod
    int fail(int code);
  }

  /** {@link Client#twice}, seen through an asynchronous proxy. */
  public interface AsyncClient {
    @RpcMethod("twice")
    CompletableFuture<Integer> twice(int n);

    @RpcMethod("hang")
    CompletableFuture<String> hang();
  }

  static final class HubImpl implements Hub {
    volatile RpcServer server;

    @Override
    public String whoAmI() {
      return server.cluster().nodeId() + " " + ServerConnection.current().id();
    }

    @Override
    public int relay(String connectionId, int n) {
      return server.cluster().connection(connectionId).remote(Client.class).twice(n);
    }

    @Override
    public CompletableFuture<Integer> relayAsync(String connectionId, int n) {
      return server.cluster().connection(connectionId).remote(AsyncClient.class).twice(n);
    }

    @Override
    public CompletableFuture<String> relayHang(String connectionId) {
      return server.cluster().connection(connectionId).remote(AsyncClient.class).hang();
    }

    @Override
    public int relayFail(String connectionId, int code) {
      return server.cluster().connection(connectionId).remote(Client.class).fail(code);
    }

    @Override
    public int publish(int from, int count) {
      int delivered = 0;
      for (int i = from; i < from + count; i++) {
        delivered += server.events().publish("tick", i);
      }
      return delivered;
    }

    @Override
    public String locate(String connectionId) {
      Optional<String> node = server.cluster().locate(connectionId).join();
      return node.orElse("");
    }
  }

  public static void main(String[] args) throws IOException {
    String redis = args[0];
    String prefix = args[1];
    String nodeId = args[2];
    long nodeTtl = Long.parseLong(args[3]);
    HubImpl hub = new HubImpl();
    RpcServer server = RpcServer.builder()
        .service(hub)
        .event("tick")
        .callTimeout(Duration.ofSeconds(20))
        .backplane(RedisBackplane.builder()
            .uri(redis)
            .channelPrefix(prefix)
            .nodeId(nodeId)
            .nodeTtl(Duration.ofMillis(nodeTtl))
            .connectionTtl(Duration.ofMillis(nodeTtl * 3))
            .commandTimeout(Duration.ofSeconds(2))
            .maxReconnectDelay(Duration.ofMillis(200))
            .build())
        .build();
    hub.server = server;
    server.start();
    System.out.println("NODE " + server.port() + " " + nodeId + " " + ProcessHandle.current().pid());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // wait for the test JVM to close our standard input (or die)
    }
    server.close();
    System.exit(0);
  }
}
