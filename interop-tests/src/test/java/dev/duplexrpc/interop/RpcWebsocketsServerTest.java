package dev.duplexrpc.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Duplex RPC client against the Node library {@code rpc-websockets}' {@code Server} (the
 * pinned version in src/test/node/package.json, run by rw-server.mjs): calls with positional and
 * named params, notifications, its errors, and its events, which arrive in its own {@code
 * {"notification": ...}} form.
 */
class RpcWebsocketsServerTest {
  static final long WAIT = Node.LINE_SECONDS;

  /** A typed event payload. */
  record Feed(int id, String title) {}

  /** What rw-server.mjs registers. */
  public interface NodeApi {
    @RpcMethod
    int sum(int a, int b);

    @RpcNotification
    void log(String message);

    @RpcMethod
    String emitAll(int id);

    @RpcMethod
    String fail();

    @RpcMethod
    Object nothing();
  }

  @Test
  void javaClientCallsNotifiesAndReceivesEventsOfRpcWebsocketsServer() throws Exception {
    try (Node.Script node = Node.start("rw-server.mjs")) {
      int port = node.next().get("port").getAsInt();
      List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
      try (ClientConnection connection = RpcClient.builder().uri("ws://127.0.0.1:" + port + "/")
          .interceptor(Tracing.on())
          .frameListener((text, outgoing) -> {
            if (outgoing) {
              sent.add(text);
            }
          })
          .build().connect()) {
        NodeApi api = connection.remote(NodeApi.class);
        // Node's ws takes the first subprotocol offered, "jsonrpc-2.0": plain JSON-RPC, no extension.
        assertFalse(connection.peer().extensionsAgreed());

        assertEquals(8, api.sum(5, 3));
        assertEquals(6, (int) connection.peer()
            .<Integer>callNamed("subtract", Integer.class, Map.of("minuend", 10, "subtrahend", 4))
            .get(WAIT, TimeUnit.SECONDS));

        api.log("hello from java");
        assertEquals(JsonParser.parseString("{\"notified\":[\"hello from java\"]}"), node.next());

        RpcException missing = assertThrows(RpcException.class,
            () -> unwrap(connection.peer().call("nope", Object.class)));
        assertEquals(ErrorCodes.METHOD_NOT_FOUND, missing.code());

        // A handler's Error becomes code -32000, message the error's name, data its message.
        RpcException failed = assertThrows(RpcException.class, api::fail);
        assertEquals(-32000, failed.code());
        assertEquals("Error", failed.errorMessage());
        assertEquals(new JsonPrimitive("failed on purpose"), failed.data());

        // A handler returning undefined answers {"jsonrpc":"2.0","id":N}, without "result": the
        // call completes with null (a documented tolerance), and nothing is sent back.
        assertNull(api.nothing());
        assertEquals(8, api.sum(5, 3), "the connection goes on as before");
        assertTrue(sent.stream().noneMatch(t -> t.contains("\"error\"")), sent.toString());
        assertTrue(sent.stream().noneMatch(t -> t.contains("traceparent")), "tracing on, nothing of it sent: " + sent);

        BlockingQueue<Feed> feeds = new LinkedBlockingQueue<>();
        BlockingQueue<int[]> ticks = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> singles = new LinkedBlockingQueue<>();
        connection.subscribe("feed", Feed.class, feeds::add);
        connection.subscribe("tick", int[].class, ticks::add);
        connection.subscribe("single", Integer.class, singles::add);
        RpcException refused = assertThrows(RpcException.class,
            () -> connection.subscribe("nope", Feed.class, f -> {}));
        assertEquals(JsonParser.parseString("{\"nope\":\"provided event invalid\"}"), refused.data());

        assertEquals("emitted", api.emitAll(7));
        // {"notification":"feed","params":{"id":7,...}}: one object argument is the payload.
        assertEquals(new Feed(7, "from rpc-websockets"), feeds.poll(WAIT, TimeUnit.SECONDS));
        // {"notification":"tick","params":[1,2,3]}: several arguments stay an array.
        assertArrayEquals(new int[] {1, 2, 3}, ticks.poll(WAIT, TimeUnit.SECONDS));
        // {"notification":"single","params":[5]}: one non-object argument is the payload.
        assertEquals(5, singles.poll(WAIT, TimeUnit.SECONDS));

        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          calls.add(connection.peer().call("sum", Integer.class, i, 1000));
        }
        for (int i = 0; i < 200; i++) {
          assertEquals(i + 1000, calls.get(i).get(WAIT, TimeUnit.SECONDS));
        }
      }
      node.closeInput();
      assertEquals(0, node.awaitExit(), node::diagnostics);
    }
  }

  /** Unwraps the cause of a failed future for assertThrows. */
  static Object unwrap(CompletableFuture<?> f) throws Throwable {
    try {
      return f.get(WAIT, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    }
  }
}
