package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RpcServer.Builder.staticResources} and {@code browserClient}: class path files over plain
 * HTTP on the server's own port, next to the WebSocket endpoint. Requests are written by hand on
 * a raw socket, so that paths reach the server exactly as written (no client normalizes them).
 */
class StaticResourcesTest {

  /** Any service. */
  public interface Hello {
    @RpcMethod
    String hello(String name);
  }

  private RpcServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private RpcServer start(RpcServer.Builder builder) throws IOException {
    server = builder.service((Hello) name -> "hello " + name).build().start();
    return server;
  }

  private RpcServer startWithFiles() throws IOException {
    return start(RpcServer.builder().path("/rpc").staticResources("/", "static-test/web"));
  }

  @Test
  void folderPathServesItsIndexHtml() throws IOException {
    startWithFiles();
    HttpAnswer answer = request("GET", "/");
    assertEquals(200, answer.status);
    assertEquals("text/html; charset=utf-8", answer.header("content-type"));
    assertEquals("nosniff", answer.header("x-content-type-options"));
    assertTrue(answer.text().contains("the index page"), answer.text());
  }

  @Test
  void filesAreServedWithTheContentTypeOfTheirExtension() throws IOException {
    startWithFiles();
    HttpAnswer js = request("GET", "/app.js");
    HttpAnswer css = request("GET", "/style.css");
    HttpAnswer bin = request("GET", "/data.bin");
    HttpAnswer sub = request("GET", "/sub/");
    assertAll(
        () -> assertEquals(200, js.status),
        () -> assertEquals("text/javascript; charset=utf-8", js.header("content-type")),
        () -> assertEquals("export const answer = 42;\n", js.text()),
        () -> assertEquals("text/css; charset=utf-8", css.header("content-type")),
        () -> assertEquals("application/octet-stream", bin.header("content-type")),
        () -> assertEquals("plain bytes\n", bin.text()),
        () -> assertEquals(200, sub.status),
        () -> assertTrue(sub.text().contains("<title>sub</title>"), sub.text()));
  }

  @Test
  void headAnswersTheHeadersWithoutTheBody() throws IOException {
    startWithFiles();
    HttpAnswer head = request("HEAD", "/app.js");
    assertEquals(200, head.status);
    assertEquals("text/javascript; charset=utf-8", head.header("content-type"));
    assertEquals(String.valueOf("export const answer = 42;\n".length()), head.header("content-length"));
    assertEquals(0, head.body.length);
  }

  @Test
  void missingFilesAndDirectoriesGet404() throws IOException {
    startWithFiles();
    for (String path : new String[] {"/nope.js", "/sub", "/sub/nope.html", "/index.html/x"}) {
      HttpAnswer answer = request("GET", path);
      assertEquals(404, answer.status, path);
      assertEquals("Not found\n", answer.text(), path);
    }
  }

  @Test
  void otherMethodsGet405WithAllow() throws IOException {
    startWithFiles();
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      HttpAnswer answer = request(method, "/app.js");
      assertEquals(405, answer.status, method);
      assertEquals("GET, HEAD", answer.header("allow"), method);
    }
  }

  @Test
  void traversalAttemptsGet404AndNeverTheFileOutsideTheFolder() throws IOException {
    // Control: a naive class path lookup of such a name does reach the file outside the folder.
    assertNotNull(getClass().getClassLoader().getResource("static-test/web/../secret.txt"));
    assertNotNull(getClass().getClassLoader().getResource("static-test/web/sub/../../secret.txt"));
    startWithFiles();
    String[] attempts = {
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/.%2e/secret.txt",
        "//secret.txt",
        "/./index.html",
        "/sub//index.html",
        "/%00index.html",
        "/index.html%00",
        "/%zz",
    };
    StringBuilder notFound = new StringBuilder();
    StringBuilder answered = new StringBuilder();
    for (String path : attempts) {
      HttpAnswer answer = request("GET", path);
      assertFalse(answer.text().contains("SECRET"), path);
      notFound.append(path).append(" 404\n");
      answered.append(path).append(' ').append(answer.status).append('\n');
    }
    assertEquals(notFound.toString(), answered.toString());
  }

  @Test
  void browserClientIsServedAsJavaScriptFromTheJar() throws IOException {
    start(RpcServer.builder().browserClient("/duplex.js"));
    HttpAnswer answer = request("GET", "/duplex.js");
    assertEquals(200, answer.status);
    assertEquals("text/javascript; charset=utf-8", answer.header("content-type"));
    byte[] expected;
    try (InputStream in = RpcServer.class.getResourceAsStream("/META-INF/resources/duplex-rpc/duplex.js")) {
      assertNotNull(in);
      expected = in.readAllBytes();
    }
    assertArrayEquals(expected, answer.body);
    assertTrue(answer.text().contains("export function connect("));
    assertEquals(404, request("GET", "/").status); // nothing else is served
    assertEquals(404, request("GET", "/duplex.js/").status);
  }

  @Test
  void webSocketEndpointAndFilesShareOnePath() throws Exception {
    start(RpcServer.builder().path("/").staticResources("/", "static-test/web").browserClient("/duplex.js"));
    assertEquals(200, request("GET", "/").status);
    try (ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect()) {
      assertEquals("hello page", c.remote(Hello.class).hello("page"));
    }
  }

  @Test
  void longestUrlPathWins() throws IOException {
    start(RpcServer.builder()
        .staticResources("/", "static-test/web")
        .staticResources("/nested", "static-test/web/sub"));
    assertTrue(request("GET", "/nested/").text().contains("<title>sub</title>"));
    assertTrue(request("GET", "/").text().contains("the index page"));
  }

  @Test
  void withoutStaticResourcesEveryPlainHttpRequestGets404() throws IOException {
    start(RpcServer.builder());
    assertEquals(404, request("GET", "/").status);
    assertEquals(404, request("GET", "/duplex.js").status);
  }

  @Test
  void builderRejectsMalformedPathsAndFolders() {
    RpcServer.Builder b = RpcServer.builder().staticResources("/app", "web");
    assertAll(
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("app", "web")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/app/", "other")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/x", "")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/x", "/")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/x", "/web")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/x", "../web")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/x/../y", "web")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.staticResources("/%2e", "web")),
        () -> assertThrows(NullPointerException.class, () -> b.staticResources(null, "web")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.browserClient("duplex.js")),
        () -> assertThrows(IllegalArgumentException.class, () -> b.browserClient("/scripts/")));
  }

  /** One HTTP answer: status, headers (lower-case names) and body. */
  private record HttpAnswer(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends one request exactly as written and reads the answer until the server closes. */
  private HttpAnswer request(String method, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      byte[] all = s.getInputStream().readAllBytes();
      int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(end > 0, "no header end in: " + new String(all, StandardCharsets.ISO_8859_1));
      String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        throw new AssertionError("expected a Content-Length answer, got chunked for " + path);
      }
      return new HttpAnswer(status, headers, body);
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int k = 0; k < pattern.length; k++) {
        if (data[i + k] != pattern[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
