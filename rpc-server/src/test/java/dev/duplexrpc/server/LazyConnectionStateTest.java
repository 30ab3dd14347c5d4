package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection's maps and sets are made on first use (an idle connection holds none): over many
 * connections at once, each connection still sees only its own attributes (put in the connection
 * listener, or never), the Peer still leads to its {@link ServerConnection}, subscriptions start
 * empty, and every subscriber gets every event in publish order.
 */
class LazyConnectionStateTest {
  static final int CONNECTIONS = 100;
  static final int EVENTS = 50;
  static final long TIMEOUT_SECONDS = 30;

  /** What the calling connection holds, as its server sees it. */
  public interface Probe {
    @RpcMethod
    String state();
  }

  /** Reads the caller's connection: its attribute, its subscriptions, the Peer's way back to it. */
  public static final class ProbeImpl implements Probe {
    @Override
    public String state() {
      ServerConnection c = ServerConnection.current();
      assertSame(c, ServerConnection.of(c.peer()));
      return c.attributes().get("n") + " " + c.subscriptions() + " " + c.peer().attributes().isEmpty();
    }
  }

  @Test
  void manyConnectionsKeepTheirOwnStateAndGetEveryEventInOrder() throws Exception {
    List<ClientConnection> clients = new ArrayList<>();
    try (RpcServer server = RpcServer.builder()
        .service(new ProbeImpl())
        .event("tick")
        .connectionListener(setup -> {
          String n = setup.handshake().queryParameter("n");
          if (Integer.parseInt(n) % 2 == 0) { // odd connections never write an attribute
            setup.attributes().put("n", n);
          }
        })
        .build()
        .start()) {
      List<BlockingQueue<Integer>> got = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        clients.add(RpcClient.builder().uri(URI.create(server.uri() + "?n=" + i)).build().connect());
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        Probe probe = clients.get(i).remote(Probe.class);
        assertEquals((i % 2 == 0 ? String.valueOf(i) : "null") + " [] true", probe.state(), "connection " + i);
        BlockingQueue<Integer> q = new LinkedBlockingQueue<>();
        clients.get(i).subscribe("tick", Integer.class, q::add);
        got.add(q);
        assertEquals((i % 2 == 0 ? String.valueOf(i) : "null") + " [tick] true", probe.state(), "connection " + i);
      }
      assertEquals(CONNECTIONS, server.events().subscribers("tick").size());
      for (int e = 0; e < EVENTS; e++) {
        assertEquals(CONNECTIONS, server.events().publish("tick", e));
      }
      for (int i = 0; i < CONNECTIONS; i++) {
        for (int e = 0; e < EVENTS; e++) {
          Integer n = got.get(i).poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          assertNotNull(n, "connection " + i + ": event " + e + " never arrived");
          assertEquals(e, n, "connection " + i + ": events out of order or lost");
        }
      }
      clients.forEach(ClientConnection::close);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (!server.events().subscribers("tick").isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(server.events().subscribers("tick").isEmpty(), "closed connections stay subscribed");
    } finally {
      clients.forEach(ClientConnection::close);
    }
  }
}
