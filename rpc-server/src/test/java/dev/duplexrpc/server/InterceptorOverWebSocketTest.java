package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.RpcCall;
import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Interceptors installed through {@code RpcServer.builder().interceptor(..)} and {@code
 * RpcClient.builder().interceptor(..)} see the calls of a real WebSocket connection: an auth check
 * on the server that reads the connection's attributes, a context value the handler reads, and
 * the outcome on both ends.
 */
class InterceptorOverWebSocketTest {
  static final RpcContext.Key<String> USER = RpcContext.Key.named("user");

  /** The service. */
  public interface Greeter {
    @RpcMethod("greet")
    String greet(String name);

    @RpcMethod("admin.reset")
    String reset();
  }

  /** Greets in the name of the user the interceptor found. */
  public static final class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello " + name + " from " + RpcContext.current().get(USER);
    }

    @Override
    public String reset() {
      return "reset";
    }
  }

  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private String next() throws InterruptedException {
    String e = events.poll(10, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event within 10 s");
    }
    return e;
  }

  @Test
  void serverAndClientBuilderInterceptorsSeeEachCall() throws Exception {
    RpcInterceptor auth = call -> {
      String user = (String) ServerConnection.of(call.peer()).attributes().get("user");
      if (call.method().startsWith("admin.") && !"root".equals(user)) {
        throw new RpcException(-32010, "Forbidden");
      }
      call.put(USER, user);
      return null;
    };
    RpcInterceptor serverLog = call -> outcome -> events.add("server " + call.direction() + " "
        + call.method() + " " + outcome.kind() + " " + outcome.errorCode());
    server = RpcServer.builder()
        .service(new GreeterImpl())
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            setup.attributes().put("user", "ada");
          }
        })
        .interceptor(serverLog)
        .interceptor(auth)
        .build()
        .start();
    RpcInterceptor clientLog = call -> {
      events.add("client " + call.direction() + " " + call.method() + " " + call.params());
      return null;
    };
    try (ClientConnection c =
        RpcClient.builder().uri(server.uri()).interceptor(clientLog).build().connect()) {
      Greeter greeter = c.remote(Greeter.class);
      assertEquals("Hello Bob from ada", greeter.greet("Bob"));
      assertEquals("client OUTGOING greet [\"Bob\"]", next());
      assertEquals("server INCOMING greet RESULT 0", next());

      RpcException e = assertThrows(RpcException.class, greeter::reset);
      assertEquals(-32010, e.code());
      assertEquals("client OUTGOING admin.reset null", next());
      assertEquals("server INCOMING admin.reset ERROR -32010", next());
    }
    assertEquals(null, events.poll());
  }
}
