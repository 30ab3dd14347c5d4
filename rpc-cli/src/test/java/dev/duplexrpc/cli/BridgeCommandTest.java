package dev.duplexrpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.cli.testing.Cli;
import dev.duplexrpc.cli.testing.StdioProgram;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.HandshakeRejectedException;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code duplex bridge} run as the real jar, in both framings, in front of {@link StdioProgram}
 * (a JSON-RPC program on stdin and stdout started by the bridge for each connection), with the
 * library's client on the WebSocket side.
 */
class BridgeCommandTest {

  /** What the client serves: the program calls it through the bridge. */
  public interface ClientSide {
    @RpcMethod
    String echo(String text);
  }

  /** One bridge process per framing, shared by the tests. */
  static final Map<Framing, Cli> bridges = new EnumMap<>(Framing.class);
  static final Map<Framing, String> urls = new EnumMap<>(Framing.class);

  static final String ALLOWED_ORIGIN = "http://localhost:5173";

  static String bridge(Framing framing) throws Exception {
    if (!urls.containsKey(framing)) {
      Cli bridge = startBridge(framing);
      String url = bridge.nextOut();
      assertTrue(url.matches("ws://127\\.0\\.0\\.1:\\d+/"), url);
      bridges.put(framing, bridge);
      urls.put(framing, url);
    }
    return urls.get(framing);
  }

  static Cli startBridge(Framing framing) throws Exception {
    String classpath = location(StdioProgram.class) + File.pathSeparator + location(com.google.gson.Gson.class);
    List<String> args = new ArrayList<>(List.of("bridge", "--port", "0", "--framing", framing.label,
        "--grace", "1s", "--allow-origin", ALLOWED_ORIGIN, "--", Cli.java()));
    args.addAll(Cli.FAST_JVM);
    args.addAll(List.of("-cp", classpath, StdioProgram.class.getName(), framing.label));
    return Cli.start(args.toArray(new String[0]));
  }

  @AfterAll
  static void stopBridges() throws InterruptedException {
    Cli.destroyAll();
    bridges.clear();
    urls.clear();
  }

  static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  static ClientConnection connect(Framing framing) throws Exception {
    return connect(bridge(framing));
  }

  static ClientConnection connect(String url) throws Exception {
    return RpcClient.builder()
        .uri(url)
        .reconnectPolicy(ReconnectPolicy.none())
        .service((ClientSide) text -> "echo " + text)
        .build()
        .connect();
  }

  static <T> T call(ClientConnection c, Class<T> type, String method, Object... params) throws Exception {
    return c.peer().<T>call(method, type, params).get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void requestsPassBothWaysThroughTheBridge(Framing framing) throws Exception {
    try (ClientConnection c = connect(framing)) {
      assertEquals(5L, call(c, Long.class, "add", 2, 3));
      assertEquals(StdioProgram.UNICODE, call(c, String.class, "unicode")); // bytes, not chars, counted
      // the program calls the client's echo through the bridge, and answers with its reply
      assertEquals("client said echo ping", call(c, String.class, "ask", "ping"));
    }
    // the program's stderr is the bridge's
    bridges.get(framing).errLineContaining("stdio program started (" + framing.label + ")");
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void closingTheSocketEndsTheProcess(Framing framing) throws Exception {
    ProcessHandle program;
    try (ClientConnection c = connect(framing)) {
      program = ProcessHandle.of(call(c, Long.class, "pid")).orElseThrow();
      assertTrue(program.isAlive());
    }
    program.onExit().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void theProcessExitingClosesTheSocketWithItsStatus(Framing framing) throws Exception {
    try (ClientConnection c = connect(framing)) {
      assertEquals("bye", call(c, String.class, "exit", 3));
      ConnectionClosedException closed = c.closeFuture().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(1011, closed.closeCode());
      assertEquals("command exited with 3", closed.closeReason());
    }
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void malformedOutputClosesWith1011AndEndsTheProcess(Framing framing) throws Exception {
    try (ClientConnection c = connect(framing)) {
      ProcessHandle program = ProcessHandle.of(call(c, Long.class, "pid")).orElseThrow();
      c.peer().notify("garbage");
      ConnectionClosedException closed = c.closeFuture().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(1011, closed.closeCode());
      assertEquals("malformed output from the command", closed.closeReason());
      program.onExit().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
    }
    bridges.get(framing).errLineContaining(" wrote ");
  }

  @ParameterizedTest
  @EnumSource(Framing.class)
  void messageFromTheProcessOverTheLimitClosesWith1009(Framing framing) throws Exception {
    try (ClientConnection c = connect(framing)) {
      c.peer().call("big", String.class, 1_100_000); // over the bridge's 1 MiB, whatever the framing
      ConnectionClosedException closed = c.closeFuture().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(1009, closed.closeCode());
      assertEquals("message from the command too big", closed.closeReason());
    }
  }

  @Test
  void exitStatusZeroClosesWith1000() throws Exception {
    try (ClientConnection c = connect(Framing.NEWLINE)) {
      assertEquals("bye", call(c, String.class, "exit", 0));
      ConnectionClosedException closed = c.closeFuture().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(1000, closed.closeCode());
      assertEquals("command exited with 0", closed.closeReason());
    }
  }

  @Test
  void pagesFromOtherOriginsAreRefusedWith403() throws Exception {
    HandshakeRejectedException e = assertThrows(HandshakeRejectedException.class, () -> RpcClient.builder()
        .uri(bridge(Framing.CONTENT_LENGTH))
        .reconnectPolicy(ReconnectPolicy.none())
        .header("Origin", "https://elsewhere.example")
        .build()
        .connect());
    assertEquals(403, e.statusCode());
    try (ClientConnection c = RpcClient.builder()
        .uri(bridge(Framing.CONTENT_LENGTH))
        .reconnectPolicy(ReconnectPolicy.none())
        .header("Origin", ALLOWED_ORIGIN)
        .build()
        .connect()) {
      assertEquals(3L, call(c, Long.class, "add", 1, 2));
    }
  }

  @Test
  void stoppingTheBridgeClosesItsConnectionsWith1001AndEndsTheirProcesses() throws Exception {
    Cli bridge = startBridge(Framing.NEWLINE);
    try (ClientConnection c = connect(bridge.nextOut())) {
      ProcessHandle program = ProcessHandle.of(call(c, Long.class, "pid")).orElseThrow();
      bridge.process().destroy(); // SIGTERM
      assertEquals(1001, c.closeFuture().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS).closeCode());
      program.onExit().get(Cli.WAIT_SECONDS, TimeUnit.SECONDS);
      assertEquals(143, bridge.exitCode());
    }
  }
}
