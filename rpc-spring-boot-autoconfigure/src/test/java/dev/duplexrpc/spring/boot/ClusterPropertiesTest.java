package dev.duplexrpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.cluster.Cluster;
import dev.duplexrpc.spring.boot.api.Greeter;
import dev.duplexrpc.spring.boot.api.Wallet;
import dev.duplexrpc.spring.boot.internal.ServerHealthIndicator;
import dev.duplexrpc.testing.RequiredTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    try (Redis redis = Redis.start();
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

  /** A redis-server of the test's own: loopback, no persistence, on a free port. */
  static final class Redis implements AutoCloseable {
    private final Process process;
    private final int port;

    private Redis(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Redis start() throws IOException, InterruptedException {
      Path exe = Path.of("/usr/bin/redis-server");
      String found = System.getenv("PATH") == null ? null : java.util.Arrays.stream(System.getenv("PATH").split(":"))
          .map(d -> Path.of(d, "redis-server")).filter(Files::isExecutable).map(Path::toString).findFirst()
          .orElse(Files.isExecutable(exe) ? exe.toString() : null);
      if (found == null) {
        throw RequiredTool.missing("redis-server", "the Spring Boot cluster test");
      }
      int port;
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        port = s.getLocalPort();
      }
      Process p = new ProcessBuilder(found, "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--loglevel", "warning")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      Redis r = new Redis(p, port);
      for (int i = 0; i < 500 && !r.ping(); i++) { // bounded: 500 × 20 ms while it starts
        if (!p.isAlive() || p.waitFor(20, TimeUnit.MILLISECONDS)) {
          r.close();
          throw new IOException("redis-server exited at start on port " + port);
        }
      }
      assertTrue(r.ping(), "redis-server did not answer on port " + port);
      return r;
    }

    String uri() {
      return "redis://127.0.0.1:" + port;
    }

    private boolean ping() {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        s.setSoTimeout(1000);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
