package dev.duplexrpc.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.spring.boot.api.Shop;
import dev.duplexrpc.spring.boot.api.Wallet;
import dev.duplexrpc.spring.boot.server.ServerApp;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * The server on Jetty instead of Tomcat (run by the module's {@code jetty} surefire execution, with
 * Tomcat's jars off the class path): the same upgrade through Spring Security, principal and call-back.
 */
@SpringBootTest(classes = ServerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EnabledIf("jettyOnTheClassPath")
class JettyServerTest {
  /** False in the module's default (Tomcat) run, which leaves Boot's Jetty support off the class path. */
  static boolean jettyOnTheClassPath() {
    return ClassUtils.isPresent("org.springframework.boot.jetty.JettyWebServer", null);
  }

  @LocalServerPort
  int port;

  @Autowired
  WebServerApplicationContext context;

  URI rpc() {
    return URI.create("ws://127.0.0.1:" + port + "/rpc");
  }

  @Test
  void runsOnJetty() {
    String server = context.getWebServer().getClass().getSimpleName();
    assertTrue(server.contains("Jetty"), server);
  }

  @Test
  void servedBeanAnswersHandWrittenFrameWithThePrincipal() throws Exception {
    try (FrameClient c = FrameClient.connect(rpc(), Map.of("Authorization", ServerTest.BASIC))) {
      c.send("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"greet\",\"params\":[\"bob\"]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":\"Hello, bob (alice)\"}", c.next());
    }
  }

  @Test
  void unauthenticatedUpgradeIsRefusedBeforeAnyFrame() throws Exception {
    assertEquals(401, FrameClient.refusedStatus(rpc(), Map.of()));
  }

  @Test
  void javaClientCallsABeanThatCallsItBack() throws Exception {
    try (ClientConnection c = RpcClient.builder().uri(rpc()).header("Authorization", ServerTest.BASIC)
        .reconnectPolicy(ReconnectPolicy.none()).service((Wallet) cents -> cents + 1).build().connect()) {
      assertEquals("cup paid 251", c.remote(Shop.class).order("cup"));
      assertTrue(c.peer().extensionsAgreed(), "the container negotiated the wire extensions' subprotocol");
    }
  }
}
