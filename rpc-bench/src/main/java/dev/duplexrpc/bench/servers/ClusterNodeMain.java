package dev.duplexrpc.bench.servers;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.redis.RedisBackplane;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One node of the benchmark's cluster: {@code ClusterNodeMain <redis uri> <node id>} serves {@link
 * Hub} with a {@link RedisBackplane}, declares the event {@code tick}, prints {@code LISTENING
 * <port>}, and serves until standard input says {@code EXIT} or closes.
 */
public final class ClusterNodeMain {
  private ClusterNodeMain() {}

  /** What the node serves. */
  public interface Hub {
    /** The caller's connection id. */
    @RpcMethod
    String id();

    /** Calls {@link Subtractor#subtract} of a client on any node, through the cluster. */
    @RpcMethod
    CompletableFuture<Integer> relay(String connectionId, int a, int b);

    /** Publishes {@code tick} {@code count} times from one thread; returns the local deliveries. */
    @RpcMethod
    int fanout(int count);
  }

  /** What the benchmark's clients serve. */
  public interface Subtractor {
    @RpcMethod
    CompletableFuture<Integer> subtract(int a, int b);
  }

  public static void main(String[] args) throws Exception {
    RpcServer[] self = new RpcServer[1];
    Hub hub = new Hub() {
      @Override
      public String id() {
        return ServerConnection.current().id();
      }

      @Override
      public CompletableFuture<Integer> relay(String connectionId, int a, int b) {
        return self[0].cluster().connection(connectionId).remote(Subtractor.class).subtract(a, b);
      }

      @Override
      public int fanout(int count) {
        int delivered = 0;
        for (int i = 0; i < count; i++) {
          delivered += self[0].events().publish("tick", i);
        }
        return delivered;
      }
    };
    RpcServer server = RpcServer.builder()
        .service(hub)
        .event("tick")
        .maxInFlight(100_000)
        .connectionLimits(TargetMain.LOAD_LIMITS)
        .backplane(RedisBackplane.builder().uri(args[0]).nodeId(args[1]).channelPrefix("bench").build())
        .build()
        .start();
    self[0] = server;
    System.out.println("LISTENING " + server.port());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.trim().equals("EXIT")) {
        break;
      }
    }
    server.shutdown(Duration.ofSeconds(1));
    server.close();
    System.exit(0);
  }
}
