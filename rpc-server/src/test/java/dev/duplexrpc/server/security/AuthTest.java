package dev.duplexrpc.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ConnectionState;
import dev.duplexrpc.client.HandshakeRejectedException;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.AuthenticationException;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.Principal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake authenticator and the Origin allow-list refuse with HTTP 401/403 before the
 * upgrade (the JDK's WebSocket client sees the status), and an accepted principal is visible to
 * every handler on the connection.
 */
class AuthTest {
  static final long WAIT_SECONDS = 10;

  /** A user, as the authenticator knows it. */
  record User(String getName) implements Principal {}

  /** The server's service. */
  public interface WhoAmI {
    @RpcMethod
    String whoAmI();
  }

  static final class WhoAmIImpl implements WhoAmI {
    @Override
    public String whoAmI() {
      Principal p = ServerConnection.current().handshake().principal();
      return p == null ? "nobody" : p.getName();
    }
  }

  /** Valid tokens, by user name; a test can revoke one. */
  final Set<String> validTokens = ConcurrentHashMap.newKeySet();
  final AtomicInteger opened = new AtomicInteger();
  RpcServer server;

  @BeforeEach
  void start() throws Exception {
    validTokens.add("alice-token");
    server = RpcServer.builder()
        .service(new WhoAmIImpl())
        .allowedOrigins("https://app.example.com")
        .authenticator(handshake -> {
          String auth = handshake.header("authorization");
          if (auth == null) {
            auth = handshake.queryParameter("token") == null ? null : "Bearer " + handshake.queryParameter("token");
          }
          if (auth == null || !auth.startsWith("Bearer ")) {
            throw AuthenticationException.unauthorized("a bearer token is required", "Bearer");
          }
          String token = auth.substring("Bearer ".length());
          if ("mallory-token".equals(token)) {
            throw AuthenticationException.forbidden("mallory may not connect");
          }
          if ("expired-token".equals(token)) {
            throw AuthenticationException.unauthorized(
                "token expired", "Bearer realm=\"shop\", error=\"invalid_token\"");
          }
          if ("crash".equals(token)) {
            throw new IllegalStateException("token store is down");
          }
          if (!validTokens.contains(token)) {
            throw AuthenticationException.unauthorized("unknown token", "Bearer");
          }
          return new User(token.substring(0, token.indexOf('-')));
        })
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            opened.incrementAndGet();
            assertEquals("alice", setup.handshake().principal().getName());
          }
        })
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Opens a JDK WebSocket and returns the handshake's HTTP status: 101, or the refusal's. */
  private int jdkHandshake(URI uri, String authorization, String origin) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    try {
      WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {}).get(WAIT_SECONDS, TimeUnit.SECONDS);
      ws.abort();
      return 101;
    } catch (ExecutionException e) {
      WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
      lastRefusal = h;
      return h.getResponse().statusCode();
    }
  }

  WebSocketHandshakeException lastRefusal;

  @Test
  void missingOrUnknownCredentialsAreRefusedWith401BeforeTheUpgrade() throws Exception {
    assertEquals(401, jdkHandshake(server.uri(), null, null));
    assertEquals("Bearer",
        lastRefusal.getResponse().headers().firstValue("WWW-Authenticate").orElse(null));
    assertEquals(401, jdkHandshake(server.uri(), "Bearer stolen-token", null));
    assertEquals(0, opened.get(), "no WebSocket session was ever opened");
    assertEquals(0, server.connections().size());
  }

  @Test
  void knownButForbiddenClientIsRefusedWith403() throws Exception {
    assertEquals(403, jdkHandshake(server.uri(), "Bearer mallory-token", null));
    assertEquals(0, opened.get());
  }

  @Test
  void failingAuthenticatorRefusesWith500() throws Exception {
    assertEquals(500, jdkHandshake(server.uri(), "Bearer crash", null));
    assertEquals(0, opened.get());
  }

  @Test
  void originOutsideTheAllowListIsRefusedWith403() throws Exception {
    assertEquals(403, jdkHandshake(server.uri(), "Bearer alice-token", "https://evil.example.net"));
    assertEquals(101, jdkHandshake(server.uri(), "Bearer alice-token", "https://APP.example.com"));
    assertEquals(101, jdkHandshake(server.uri(), "Bearer alice-token", null), "no Origin: not a browser");
  }

  @Test
  void principalIsVisibleToEveryHandlerOfTheConnection() throws Exception {
    try (ClientConnection c = RpcClient.builder()
        .uri(server.uri())
        .header("Authorization", "Bearer alice-token")
        .build()
        .connect()) {
      for (int i = 0; i < 3; i++) {
        assertEquals("alice", c.remote(WhoAmI.class).whoAmI());
      }
      assertEquals(1, opened.get());
      assertEquals("alice", server.connections().iterator().next().handshake().principal().getName());
    }
  }

  @Test
  void queryParameterCredentialsWorkToo() throws Exception {
    try (ClientConnection c = RpcClient.builder()
        .uri(server.uri().resolve("/?token=alice-token"))
        .build()
        .connect()) {
      assertEquals("alice", c.remote(WhoAmI.class).whoAmI());
    }
  }

  @Test
  void libraryClientSeesTheRefusalAsHandshakeRejectedException() {
    AtomicInteger retries = new AtomicInteger();
    RpcClient client = RpcClient.builder().uri(server.uri())
        .retryFirstConnect(true) // but never after 401 or 403
        .reconnectPolicy(attempt -> {
          retries.incrementAndGet();
          return Duration.ZERO;
        })
        .build();
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class, client::connect);
    assertEquals(401, e.statusCode());
    assertEquals("Unauthorized: a bearer token is required", e.reasonPhrase());
    assertEquals("Bearer", e.header("www-authenticate"), "the challenge, whatever the case of the name");
    assertTrue(e.getMessage().contains("HTTP 401 Unauthorized: a bearer token is required"), e.getMessage());
    HandshakeRejectedException forbidden = assertThrows(HandshakeRejectedException.class,
        () -> client.newBuilder().header("Authorization", "Bearer mallory-token").build().connect());
    assertEquals(403, forbidden.statusCode());
    assertEquals("Forbidden: mallory may not connect", forbidden.reasonPhrase());
    assertNull(forbidden.header("WWW-Authenticate"));
    HandshakeRejectedException expired = assertThrows(HandshakeRejectedException.class,
        () -> client.newBuilder().header("Authorization", "Bearer expired-token").build().connect());
    assertEquals("Bearer realm=\"shop\", error=\"invalid_token\"", expired.header("WWW-Authenticate"),
        "a challenge with a comma comes back whole");
    assertEquals("Unauthorized: token expired", expired.reasonPhrase());
    assertEquals(0, retries.get(), "a refusal with 401 or 403 is not retried");
  }

  @Test
  void reconnectStopsWhenTheServerNowRefusesWith401() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(server.address())) {
      ClientConnection c = RpcClient.builder()
          .uri(proxy.via(server.uri()))
          .header("Authorization", "Bearer alice-token")
          .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(20)))
          .build()
          .connect();
      assertEquals("alice", c.remote(WhoAmI.class).whoAmI());
      validTokens.remove("alice-token"); // revoked
      proxy.links().get(0).cut();
      var end = c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(ConnectionState.CLOSED, c.state());
      assertEquals(1006, end.closeCode());
      assertTrue(end.closeReason().contains("reconnect refused with HTTP 401"), end.closeReason());
      assertFalse(c.isOpen());
    }
  }

  @Test
  void serverWithoutAuthenticatorHasNoPrincipal() throws Exception {
    RpcServer open = RpcServer.builder().service(new WhoAmIImpl()).build().start();
    try (ClientConnection c = RpcClient.builder().uri(open.uri()).build().connect()) {
      assertEquals("nobody", c.remote(WhoAmI.class).whoAmI());
      assertNull(open.connections().iterator().next().handshake().principal());
    } finally {
      open.close();
    }
  }

  @Test
  void allowedOriginsRejectsMalformedEntries() {
    assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().allowedOrigins("https://a.example/"));
    assertThrows(IllegalArgumentException.class, () -> RpcServer.builder().allowedOrigins(""));
    assertThrows(NullPointerException.class, () -> RpcServer.builder().allowedOrigins((String) null));
  }

}
