package dev.duplexrpc.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.server.testing.InMemoryBus;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A resumable session resumed on another node, over a bus in this JVM, seen from a raw WebSocket
 * peer speaking the session wire by hand: the bridge carries both directions in order, and a
 * holding node that vanishes drops the bridged socket. The Redis run is rpc-redis's
 * ClusterResumeTest.
 */
class BridgedResumeOverBusTest {
  private static final String HELLO = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{}}";

  /** What the nodes serve. */
  public interface Echo {
    @RpcMethod
    int echo(int x);
  }

  private final InMemoryBus bus = new InMemoryBus();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private RpcServer node(String id) throws Exception {
    RpcServer s = RpcServer.builder().service((Echo) x -> x).backplane(bus.node(id)).build().start();
    closing.add(s);
    return s;
  }

  private JdkWebSocketClient raw(RpcServer node) throws Exception {
    JdkWebSocketClient c = JdkWebSocketClient.connect(node.uri(), "duplex-rpc.1");
    closing.add(c);
    return c;
  }

  /** Opens a session on {@code a}, then resumes it through {@code b}; the resumed socket. */
  private JdkWebSocketClient bridged(RpcServer a, RpcServer b) throws Exception {
    JdkWebSocketClient first = raw(a);
    first.send(HELLO);
    String token = session(first.next()).get("token").getAsString();
    assertTrue(token.startsWith("a."), token);
    JdkWebSocketClient through = raw(b);
    through.send(hello(token));
    JsonObject answer = session(through.next());
    assertTrue(answer.get("resumed").getAsBoolean(), answer.toString());
    assertEquals(1001, first.awaitClose().code(), "the socket the resume replaced");
    return through;
  }

  @Test
  void messagesBothWaysThroughTheBridgeArriveOnceAndInOrder() throws Exception {
    RpcServer a = node("a");
    RpcServer b = node("b");
    JdkWebSocketClient c = bridged(a, b);
    ServerConnection onA = a.connections().iterator().next();
    assertTrue(b.connections().isEmpty());
    int n = 300;
    for (int i = 0; i < n; i++) {
      c.send("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"echo\",\"params\":[" + i + "]}");
      onA.peer().notify("seq", i);
    }
    BitSet answered = new BitSet();
    int nextSeq = 0;
    while (answered.cardinality() < n || nextSeq < n) {
      JsonObject m = JsonParser.parseString(c.next()).getAsJsonObject();
      if (m.has("result")) {
        int id = m.get("id").getAsInt();
        assertEquals(id, m.get("result").getAsInt());
        assertFalse(answered.get(id), "answered twice: " + id);
        answered.set(id);
      } else if ("seq".equals(m.get("method").getAsString())) {
        assertEquals(nextSeq++, m.getAsJsonArray("params").get(0).getAsInt(), "in the order sent");
      } else {
        assertEquals("rpc.ack", m.get("method").getAsString(), m.toString());
      }
    }
  }

  @Test
  void holdingNodeThatVanishesDropsTheBridgedSocketAndTheTokenGetsAFreshSession() throws Exception {
    RpcServer a = node("a");
    RpcServer b = node("b");
    JdkWebSocketClient c = bridged(a, b);
    bus.kill("a");
    try {
      assertEquals(1006, c.awaitClose().code(), "dropped without a close frame");
    } catch (ExecutionException e) {
      // the JDK client reports a socket closed without a close frame as an error
    }
    JdkWebSocketClient again = raw(b);
    again.send(hello("a.AAAAAAAAAAAAAAAAAAAAAA"));
    JsonObject answer = session(again.next());
    assertFalse(answer.get("resumed").getAsBoolean(), answer.toString());
    assertTrue(answer.get("token").getAsString().startsWith("b."), answer.toString());
  }

  private static String hello(String token) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"token\":\"" + token + "\",\"received\":0}}";
  }

  private static JsonObject session(String text) {
    JsonObject m = JsonParser.parseString(text).getAsJsonObject();
    assertEquals("rpc.session", m.get("method").getAsString(), text);
    return m.getAsJsonObject("params");
  }
}
