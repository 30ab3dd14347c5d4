package dev.duplexrpc.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wss://} end to end with a self-signed certificate made at test time: the library's
 * client and the JDK's WebSocket client both talk to the server over TLS, calls go both ways, and
 * a client that does not trust the certificate, or speaks plain {@code ws://}, gets nowhere.
 */
class TlsTest {
  static final long WAIT_SECONDS = 10;

  @TempDir
  static Path dir;
  static SelfSignedCertificate cert;
  static RpcServer server;

  /** Served by both sides. */
  public interface Echo {
    @RpcMethod
    String echo(String s);

    /** Asks the caller to echo {@code s}, over the same TLS connection. */
    @RpcMethod
    String bounce(String s);
  }

  public static final class EchoImpl {
    @RpcMethod("echo")
    public String echo(String s) {
      return s;
    }

    @RpcMethod("bounce")
    public String bounce(String s, CallContext call) {
      return "bounced " + call.peer().remote(Echo.class).echo(s);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    cert = SelfSignedCertificate.generate(dir);
    server = RpcServer.builder()
        .service(new EchoImpl())
        .keyStore(cert.keyStore(), SelfSignedCertificate.PASSWORD)
        .build()
        .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void libraryClientTalksBothWaysOverWss() throws Exception {
    assertTrue(server.uri().toString().startsWith("wss://127.0.0.1:"), server.uri().toString());
    try (ClientConnection c = RpcClient.builder()
        .uri(server.uri())
        .service(new EchoImpl())
        .trustStore(cert.trustStore(), SelfSignedCertificate.PASSWORD)
        .build()
        .connect()) {
      assertEquals("over tls", c.remote(Echo.class).echo("over tls"));
      assertEquals("bounced back", c.remote(Echo.class).bounce("back"));
    }
  }

  @Test
  void jdkClientTalksToTheServerOverWss() throws Exception {
    KeyStore trust = KeyStore.getInstance(cert.trustStore().toFile(), SelfSignedCertificate.PASSWORD);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = HttpClient.newBuilder().sslContext(ssl).build()
        .newWebSocketBuilder()
        .buildAsync(server.uri(), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        })
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
    ws.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[\"jdk\"]}", true);
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"jdk\"}", reply.get(WAIT_SECONDS, TimeUnit.SECONDS));
    ws.abort();
  }

  @Test
  void clientThatDoesNotTrustTheCertificateCannotConnect() {
    RpcClient client = RpcClient.builder()
        .uri(server.uri())
        .connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
        .reconnectPolicy(ReconnectPolicy.none())
        .build(); // the JVM's default trust: the JDK's CA certificates
    IOException e = assertThrows(IOException.class, client::connect);
    assertTrue(hasCause(e, SSLException.class), "a TLS failure: " + e);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void plainWsToTheTlsPortGetsNowhere() {
    RpcClient client = RpcClient.builder()
        .uri(server.uri().toString().replace("wss://", "ws://"))
        .connectTimeout(Duration.ofSeconds(1))
        .build();
    assertThrows(IOException.class, client::connect);
  }

  @Test
  void unreadableKeyStoreIsRefusedAtOnce() {
    assertThrows(IllegalArgumentException.class,
        () -> RpcServer.builder().keyStore(dir.resolve("missing.p12"), SelfSignedCertificate.PASSWORD));
    assertThrows(IllegalArgumentException.class,
        () -> RpcClient.builder().trustStore(cert.keyStore(), "wrong".toCharArray()));
  }
}
