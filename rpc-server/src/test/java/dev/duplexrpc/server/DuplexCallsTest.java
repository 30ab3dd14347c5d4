package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.testing.Sync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls in both directions through typed proxies of one shared interface, over a real socket:
 * client to server, server to client, and the server calling back into the client from inside the
 * handler that serves the client's call, nested three levels deep.
 */
class DuplexCallsTest {

  /** The interface both sides serve and call. */
  public interface Bouncer {
    /** Returns the trail of sides that served each level, bouncing {@code levels} more times. */
    @RpcMethod
    List<String> bounce(int levels);

    @RpcMethod
    CompletableFuture<Integer> square(int n);

    @RpcNotification
    void event(String text);
  }

  /**
   * One side's service: it bounces back to whoever called it. It serves the wire names of {@link
   * Bouncer}; its bounce takes the injected {@link CallContext}, which a proxy does not send.
   */
  public static final class Side {
    final String name;
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    Side(String name) {
      this.name = name;
    }

    @RpcMethod("bounce")
    public List<String> bounce(int levels, CallContext call) {
      List<String> trail = new ArrayList<>();
      trail.add(name + ":" + levels);
      if (levels > 0) {
        trail.addAll(call.peer().remote(Bouncer.class).bounce(levels - 1));
      }
      return trail;
    }

    @RpcMethod("square")
    public CompletableFuture<Integer> square(int n) {
      return CompletableFuture.completedFuture(n * n);
    }

    @RpcNotification("event")
    public void event(String text) {
      events.add(text);
    }
  }

  Side serverSide;
  Side clientSide;
  RpcServer server;
  ClientConnection connection;

  @BeforeEach
  void connect() throws Exception {
    serverSide = new Side("server");
    clientSide = new Side("client");
    server = RpcServer.builder().service(serverSide).build().start();
    connection = RpcClient.builder().uri(server.uri()).service(clientSide).build().connect();
    Sync.registered(connection);
  }

  @AfterEach
  void close() {
    connection.close();
    server.close();
  }

  private ServerConnection onlyConnection() {
    assertEquals(1, server.connections().size());
    return server.connections().iterator().next();
  }

  @Test
  void clientCallsServerThroughTypedProxy() throws Exception {
    Bouncer remote = connection.remote(Bouncer.class);
    assertEquals(List.of("server:0"), remote.bounce(0));
    assertEquals(49, remote.square(7).get(10, TimeUnit.SECONDS));
  }

  @Test
  void serverCallsClientThroughTypedProxy() throws Exception {
    Bouncer remote = onlyConnection().remote(Bouncer.class);
    assertEquals(List.of("client:0"), remote.bounce(0));
    assertEquals(144, remote.square(12).get(10, TimeUnit.SECONDS));
  }

  @Test
  void handlerCallsBackIntoCallerThreeLevelsDeep() {
    // client -> server(3) -> client(2) -> server(1) -> client(0), each inside the previous handler.
    assertEquals(List.of("server:3", "client:2", "server:1", "client:0"),
        connection.remote(Bouncer.class).bounce(3));
    assertEquals(List.of("client:3", "server:2", "client:1", "server:0"),
        onlyConnection().remote(Bouncer.class).bounce(3));
  }

  @Test
  void notificationsFlowBothWaysInOrder() throws Exception {
    Bouncer toServer = connection.remote(Bouncer.class);
    Bouncer toClient = onlyConnection().remote(Bouncer.class);
    for (int i = 0; i < 20; i++) {
      toServer.event("up " + i);
      toClient.event("down " + i);
    }
    for (int i = 0; i < 20; i++) {
      assertEquals("up " + i, serverSide.events.poll(10, TimeUnit.SECONDS));
      assertEquals("down " + i, clientSide.events.poll(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void unknownMethodOnTheOtherSideFailsWithItsError() {
    RpcException e = assertThrows(RpcException.class,
        () -> connection.remote(Missing.class).nothingHere());
    assertEquals(-32601, e.code());
    assertTrue(connection.isOpen());
  }

  /** A method neither side serves. */
  public interface Missing {
    @RpcMethod
    String nothingHere();
  }
}
