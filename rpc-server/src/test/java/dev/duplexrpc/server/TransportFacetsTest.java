package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.testing.JdkWebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the serving Peer learns from its socket (the agreed subprotocol, the addresses) reaches it
 * through the filters in front of the transport too (the message rate limit).
 */
class TransportFacetsTest {

  /** Describes the serving Peer's view of its connection. */
  public interface Probe {
    @RpcMethod
    String facets();
  }

  private static final Probe PROBE = () -> {
    Peer p = CallContext.current().peer();
    return p.extensionsAgreed() + " " + p.serverAddress().getHostString() + ":" + p.serverAddress().getPort()
        + " " + p.remoteAddress().getAddress().getHostAddress() + " " + p.stats().queuedBytes();
  };

  private RpcServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rateLimitedConnectionKeepsItsSubprotocolAndAddresses() throws Exception {
    server = RpcServer.builder().host("127.0.0.1").port(0).service(PROBE)
        .connectionLimits(ConnectionLimits.builder().maxMessagesPerSecond(1000).build()).build().start();
    try (JdkWebSocketClient ws =
        JdkWebSocketClient.connect(server.uri(), Subprotocols.PLAIN, Subprotocols.DUPLEX)) {
      ws.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"facets\"}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"true 127.0.0.1:" + server.port()
          + " 127.0.0.1 0\"}", ws.next());
    }
  }
}
