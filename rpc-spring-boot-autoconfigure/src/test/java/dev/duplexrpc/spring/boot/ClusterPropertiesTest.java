package dev.duplexrpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.cluster.Cluster;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Wallet;
import dev.duplexrpc.spring.boot.internal.ServerHealthIndicator;
import dev.duplexrpc.testing.RedisProcess;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two server applications joined by a real redis-server through {@code duplex.rpc.cluster.redis.*}:
 * the {@link Cluster} bean of one node calls a client connected to the other, and the health
 * indicator shows the backplane.
 */
class ClusterPropertiesTest {
  @Test
  void nodesConfiguredFromPropertiesReachEachOthersClients() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        ConfigurableApplicationContext a = ClientContextTest.server(
            "duplex.rpc.cluster.redis.uri=" + redis.uri(), "duplex.rpc.cluster.redis.node-id=node-a");
        ConfigurableApplicationContext b = ClientContextTest.server(
            "duplex.rpc.cluster.redis.uri=" + redis.uri(), "duplex.rpc.cluster.redis.node-id=node-b");
        ClientConnection client = RpcClient.builder().uri(ClientContextTest.rpc(a))
            .header("Authorization", ServerTest.BASIC).reconnectPolicy(ReconnectPolicy.none())
            .service((Wallet) cents -> cents * 3).build().connect()) {
      client.remote(Greeter.class).greet("open"); // the connection is registered on node a
      String id = a.getBean(RpcEndpoint.class).connections().iterator().next().id();
      Cluster cluster = b.getBean(Cluster.class);
      assertEquals("node-b", cluster.nodeId());
      assertEquals(21, cluster.connection(id).call("pay", Integer.class, 7).get(10, TimeUnit.SECONDS));
      Health health = a.getBean(ServerHealthIndicator.class).health();
      assertEquals(Status.UP, health.getStatus());
      assertEquals(Map.of("nodeId", "node-a", "available", true), health.getDetails().get("cluster"));
    }
  }
}
