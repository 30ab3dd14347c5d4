package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.testing.JdkWebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subprotocol handshake that agrees the wire extensions (docs/wire.md, "Extensions"), seen
 * from an independent client (the JDK's WebSocket) and from this library's client.
 */
class NegotiationOverSocketTest {

  /** Tells the caller whether the serving Peer agreed extensions. */
  public interface Probe {
    @RpcMethod
    boolean agreed();
  }

  private static final Probe PROBE = () -> CallContext.current().peer().extensionsAgreed();
  private static final String ASK = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"agreed\"}";

  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private RpcServer start(boolean extensions) throws Exception {
    server = RpcServer.builder().service(PROBE).wireExtensions(extensions).build().start();
    return server;
  }

  private static String answer(JdkWebSocketClient ws) throws Exception {
    ws.send(ASK);
    return ws.next();
  }

  @Test
  void serverSelectsDuplexFromTheLibrarysOffer() throws Exception {
    start(true);
    try (JdkWebSocketClient ws =
        JdkWebSocketClient.connect(server.uri(), Subprotocols.PLAIN, Subprotocols.DUPLEX)) {
      assertEquals(Subprotocols.DUPLEX, ws.subprotocol());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}", answer(ws));
    }
  }

  @Test
  void aClientThatOffersNothingOrPlainGetsPlainJsonRpc() throws Exception {
    start(true);
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      assertEquals("", ws.subprotocol());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}", answer(ws));
    }
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri(), Subprotocols.PLAIN)) {
      assertEquals(Subprotocols.PLAIN, ws.subprotocol());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}", answer(ws));
    }
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri(), "mqtt")) {
      assertEquals("", ws.subprotocol());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}", answer(ws));
    }
  }

  @Test
  void aServerWithExtensionsOffSelectsPlain() throws Exception {
    start(false);
    try (JdkWebSocketClient ws =
        JdkWebSocketClient.connect(server.uri(), Subprotocols.PLAIN, Subprotocols.DUPLEX)) {
      assertEquals(Subprotocols.PLAIN, ws.subprotocol());
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}", answer(ws));
    }
  }

  @Test
  void theLibrarysClientAndServerAgree() throws Exception {
    start(true);
    try (ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect()) {
      assertTrue(c.peer().extensionsAgreed());
      assertTrue(c.remote(Probe.class).agreed());
    }
    try (ClientConnection c =
        RpcClient.builder().uri(server.uri()).wireExtensions(false).build().connect()) {
      assertFalse(c.peer().extensionsAgreed());
      assertFalse(c.remote(Probe.class).agreed());
    }
  }
}
