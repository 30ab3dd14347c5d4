package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.*;

import dev.duplexrpc.core.annotation.*;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.util.concurrent.*;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @RpcService(prefix = "calc.")
  public interface Calc {
    @RpcMethod int add(int a, int b);
    @RpcMethod CompletableFuture<String> hello(String name);
    @RpcNotification void ping(String s);
  }

  @Test
  void works() throws Exception {
    var pair = InMemoryTransport.pair();
    BlockingQueue<String> pings = new LinkedBlockingQueue<>();
    Peer server = Peer.builder().transport(pair.first()).service(new Calc() {
      public int add(int a, int b) { return a + b; }
      public CompletableFuture<String> hello(String n) { return CompletableFuture.completedFuture("hi " + n); }
      public void ping(String s) { pings.add(s); }
    }).build();
    Peer client = Peer.builder().transport(pair.second()).build();
    Calc c = client.remote(Calc.class);
    assertEquals(5, c.add(2, 3));
    assertEquals("hi x", c.hello("x").get(5, TimeUnit.SECONDS));
    c.ping("p");
    assertEquals("p", pings.poll(5, TimeUnit.SECONDS));
    assertEquals(7, client.<Integer>call("calc.add", Integer.class, 3, 4).get(5, TimeUnit.SECONDS));
    client.close();
    assertThrows(ConnectionClosedException.class, () -> c.add(1, 1));
  }
}
