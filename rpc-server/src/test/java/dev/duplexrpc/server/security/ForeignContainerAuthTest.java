package dev.duplexrpc.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.AuthenticationException;
import dev.duplexrpc.server.RpcEndpoint;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authenticator and the Origin allow-list in a container other than the embedded server
 * (Tyrus's stock Grizzly container): the Origin check is the container's own 403; a refused
 * authentication closes the connection with 1008 as it opens, before any message is read.
 */
class ForeignContainerAuthTest {
  static final long WAIT_SECONDS = 10;

  public interface WhoAmI {
    @RpcMethod
    String whoAmI();
  }

  RpcEndpoint endpoint;
  ServerContainer container;
  URI uri;

  @BeforeEach
  void deploy() throws Exception {
    endpoint = RpcServer.builder()
        .path("/rpc")
        .allowedOrigins("https://app.example.com")
        .authenticator(h -> {
          if (!"Bearer good".equals(h.header("Authorization"))) {
            throw AuthenticationException.unauthorized("no");
          }
          return (Principal) () -> "alice";
        })
        .service((WhoAmI) () -> ServerConnection.current().handshake().principal().getName())
        .buildEndpoint();
    container = ServerContainerFactory.createServerContainer(
        Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, 3 * (1 << 20) + 14));
    container.addEndpoint(endpoint.config());
    container.start("/app", 0);
    uri = URI.create("ws://127.0.0.1:" + ((TyrusServerContainer) container).getPort() + "/app/rpc");
  }

  @AfterEach
  void undeploy() {
    endpoint.close();
    container.stop();
  }

  @Test
  void acceptedClientHasItsPrincipal() throws Exception {
    try (ClientConnection c = RpcClient.builder().uri(uri).header("Authorization", "Bearer good").build().connect()) {
      assertEquals("alice", c.remote(WhoAmI.class).whoAmI());
    }
  }

  @Test
  void refusedClientIsClosedWith1008AsItOpens() throws Exception {
    ClientConnection c = RpcClient.builder().uri(uri).build().connect();
    ConnectionClosedException end = c.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertEquals(1008, end.closeCode());
    assertTrue(end.closeReason().contains("401"), end.closeReason());
    assertEquals(0, endpoint.connections().size());
  }

  @Test
  void originOutsideTheAllowListGetsTheContainers403() throws Exception {
    // A raw HTTP upgrade request: Tyrus's stock container answers its 403 without ending the
    // response, which the JDK client would wait on until its timeout; the status line is enough.
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      String request = "GET " + uri.getPath() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + uri.getPort() + "\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: https://evil.example.net\r\nAuthorization: Bearer good\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertTrue(status.startsWith("HTTP/1.1 403"), status);
    }
    assertEquals(0, endpoint.connections().size());
  }
}
