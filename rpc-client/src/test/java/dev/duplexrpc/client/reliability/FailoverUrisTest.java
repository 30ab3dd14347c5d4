package dev.duplexrpc.client.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.client.testing.PeerServer;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client whose server goes away reconnects to the next of its failover URIs. */
class FailoverUrisTest {
  /** Tells which server answered. */
  public interface Name {
    @RpcMethod
    String name();
  }

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private PeerServer server(String name) throws Exception {
    PeerServer s = PeerServer.start((Name) () -> name);
    open.add(s);
    return s;
  }

  @Test
  void reconnectGoesToTheNextServerWhenItsServerIsGone() throws Exception {
    PeerServer a = server("a");
    PeerServer b = server("b");
    PeerServer c = server("c");
    BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    ClientConnection conn = RpcClient.builder()
        .uri(a.uri())
        .failoverUris(List.of(b.uri(), c.uri()))
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50)))
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        })
        .build()
        .connect();
    open.add(conn);
    assertEquals("a", conn.remote(Name.class).name());
    assertEquals(a.uri(), conn.uri());

    a.close(); // 1001: reconnect, to b
    awaitOpenAgain(states);
    assertEquals(b.uri(), conn.uri());
    assertEquals("b", conn.remote(Name.class).name());

    b.close(); // then to c
    awaitOpenAgain(states);
    assertEquals(c.uri(), conn.uri());
    assertEquals("c", conn.remote(Name.class).name());
  }

  @Test
  void failoverUriMustBeWebSocket() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RpcClient.builder().failoverUris(List.of(URI.create("http://127.0.0.1:1/"))));
    assertEquals("failover uri must be ws:// or wss://: http://127.0.0.1:1/", e.getMessage());
  }

  private static void awaitOpenAgain(BlockingQueue<ConnectionState> states) throws InterruptedException {
    ConnectionState s;
    do {
      s = states.poll(10, TimeUnit.SECONDS);
      assertNotNull(s, "no state change within 10 s");
    } while (s != ConnectionState.RECONNECTING);
    do {
      s = states.poll(10, TimeUnit.SECONDS);
      assertNotNull(s, "not open again within 10 s");
    } while (s != ConnectionState.OPEN);
  }
}
