package dev.duplexrpc.server.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import dev.duplexrpc.websocket.SocketSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A server and a client with resumable sessions, through a fault-injecting proxy, recording what
 * the application hears: the client's states, the server's opens, resumes and closes.
 */
class ResumeFixture implements AutoCloseable {
  static final long WAIT = 10;
  static final SocketSettings SOCKET =
      SocketSettings.builder().pingInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(600)).build();

  /** Served by both ends: counts each value's runs; {@code gate} waits for the test. */
  public interface Work {
    @RpcMethod
    int echo(int x);

    @RpcMethod
    int gate(int x);
  }

  static final class WorkImpl implements Work {
    final Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);

    @Override
    public int echo(int x) {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      return x;
    }

    @Override
    public int gate(int x) {
      runs.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
      entered.countDown();
      try {
        gate.await(WAIT, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return x;
    }

    int runs(int x) {
      AtomicInteger n = runs.get(x);
      return n == null ? 0 : n.get();
    }
  }

  final WorkImpl serverWork = new WorkImpl();
  final WorkImpl clientWork = new WorkImpl();
  final BlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
  final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();
  final AtomicInteger hookRuns = new AtomicInteger();
  RpcServer server;
  FaultProxy proxy;
  ClientConnection client;

  ResumeFixture start(UnaryOperator<RpcServer.Builder> serverSettings,
      UnaryOperator<RpcClient.Builder> clientSettings) throws Exception {
    server = serverSettings.apply(RpcServer.builder()
        .service(serverWork)
        .event("tick")
        .socketSettings(SOCKET)
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            serverEvents.add("open");
          }

          @Override
          public void onResume(ServerConnection connection) {
            serverEvents.add("resume");
          }

          @Override
          public void onClose(ServerConnection connection, int code, String reason) {
            serverEvents.add("close " + code);
          }
        }))
        .build()
        .start();
    proxy = FaultProxy.start(server.address());
    client = clientSettings.apply(RpcClient.builder()
        .uri(proxy.via(server.uri()))
        .service(clientWork)
        .socketSettings(SOCKET)
        .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(100)))
        .onReconnected(c -> hookRuns.incrementAndGet())
        .listener(new ClientConnection.Listener() {
          @Override
          public void onStateChange(ClientConnection connection, ConnectionState state) {
            states.add(state);
          }
        }))
        .build()
        .connect();
    expectStates(ConnectionState.CONNECTING, ConnectionState.OPEN);
    assertEquals("open", serverEvents.poll(WAIT, TimeUnit.SECONDS));
    return this;
  }

  ServerConnection serverSide() {
    return server.connections().iterator().next();
  }

  void expectStates(ConnectionState... expected) throws InterruptedException {
    for (ConnectionState s : expected) {
      assertEquals(s, states.poll(WAIT, TimeUnit.SECONDS));
    }
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
