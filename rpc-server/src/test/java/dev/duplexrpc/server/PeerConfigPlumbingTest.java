package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server builder's engine settings reach every Peer it makes through one configuration: the
 * connections' and the cluster relay's; and the application's fallback coexists with the
 * built-in {@code rpc.on} / {@code rpc.off}.
 */
class PeerConfigPlumbingTest {
  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void relayPeerGetsTheServerBuildersSettings() {
    RpcEndpoint endpoint = RpcServer.builder()
        .sendCancel(false)
        .exposeErrorDetails(true)
        .callTimeout(Duration.ofSeconds(7))
        .maxInFlight(3)
        .buildEndpoint();
    PeerConfig relay = endpoint.clusterNode().remotePeer("held-elsewhere").config();
    assertSame(endpoint.peerConfig(), relay);
    assertFalse(relay.sendCancel());
    assertTrue(relay.exposeErrorDetails());
    assertEquals(Duration.ofSeconds(7), relay.callTimeout());
    assertEquals(3, relay.maxInFlight());
  }

  @Test
  void fallbackServesUnknownNamesWhileEventsKeepRpcOnAndOff() throws Exception {
    server = RpcServer.builder()
        .event("feed")
        .fallback((call, params) -> "fallback " + call.method() + " " + params)
        .build()
        .start();
    try (JdkWebSocketClient ws = JdkWebSocketClient.connect(server.uri())) {
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.on\",\"params\":[\"feed\"]}");
      assertEquals(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"feed\":\"ok\"}}"),
          JsonParser.parseString(ws.next()));
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"anything\",\"params\":[7]}");
      assertEquals(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"fallback anything [7]\"}"),
          JsonParser.parseString(ws.next()));
    }
  }
}
