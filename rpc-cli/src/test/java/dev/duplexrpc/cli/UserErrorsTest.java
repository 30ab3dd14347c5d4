package dev.duplexrpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.cli.testing.Cli;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each error the user can act on ends the real jar with one line on stderr (never a stack trace)
 * and its own exit code.
 */
class UserErrorsTest {

  /** Methods that never answer, or drop the caller. */
  public interface Slow {
    @RpcMethod
    CompletableFuture<String> never();

    @RpcMethod
    String hangUp();
  }

  static RpcServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RpcServer.builder()
        .service(new Slow() {
          @Override
          public CompletableFuture<String> never() {
            return new CompletableFuture<>();
          }

          @Override
          public String hangUp() {
            ServerConnection.current().close(4000, "not today");
            return "unreachable";
          }
        })
        .build()
        .start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void destroyProcesses() throws InterruptedException {
    Cli.destroyAll();
  }

  /** Runs the jar to its end; asserts the exit code and one stderr line, which it returns. */
  static String fails(int exitCode, String... args) throws Exception {
    Cli cli = Cli.start(args);
    int code = cli.exitCode();
    List<String> err = cli.restOfErr();
    assertEquals(exitCode, code, () -> "stderr: " + err);
    assertEquals(1, err.size(), () -> "one line expected: " + err);
    assertTrue(!err.get(0).contains("Exception") && !err.get(0).contains("\tat "), err.get(0));
    assertEquals("", cli.restOfOut());
    return err.get(0);
  }

  @Test
  void refusedConnectionExits5() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed below: nothing listens there any more
    }
    String line = fails(Exit.CONNECT_FAILED, "call", "ws://127.0.0.1:" + port + "/", "x");
    assertTrue(line.startsWith("duplex call: could not connect to ws://127.0.0.1:" + port + "/: "), line);
  }

  @Test
  void badUrlExits3() throws Exception {
    assertEquals("duplex call: bad URL 'http://127.0.0.1/': the scheme must be ws:// or wss://",
        fails(Exit.BAD_URL, "call", "http://127.0.0.1/", "x"));
  }

  @Test
  void invalidJsonParamsExit4() throws Exception {
    String line = fails(Exit.BAD_PARAMS, "call", server.uri().toString(), "x", "[1,");
    assertTrue(line.startsWith("duplex call: invalid JSON params: "), line);
  }

  @Test
  void noAnswerWithinTheTimeoutExits6() throws Exception {
    assertEquals("duplex call: no answer within 300ms",
        fails(Exit.TIMEOUT, "call", "--timeout", "300ms", server.uri().toString(), "never"));
  }

  @Test
  void connectionClosedBeforeTheAnswerExits7() throws Exception {
    assertEquals("duplex call: connection closed before the answer (4000 not today)",
        fails(Exit.CLOSED, "call", server.uri().toString(), "hangUp"));
  }

  @Test
  void badUsageExits2WithOneLine() throws Exception {
    assertEquals("duplex call: Unknown option: '--bogus' (see duplex call --help)",
        fails(Exit.USAGE, "call", "--bogus", server.uri().toString(), "x"));
  }

  @Test
  void headerWithoutEqualsSignIsBadUsage() throws Exception {
    assertEquals("duplex call: Invalid value for option '--header': 'X-Token' is not NAME=VALUE (see duplex call --help)",
        fails(Exit.USAGE, "call", "--header", "X-Token", server.uri().toString(), "x"));
  }

  @Test
  void portInUseExits8() throws Exception {
    String line = fails(Exit.CANNOT_LISTEN, "serve", "--port", String.valueOf(server.port()));
    assertTrue(line.startsWith("duplex serve: could not listen on 127.0.0.1:" + server.port() + ": "), line);
  }

  @Test
  void serveWithAPortOutOfRangeIsBadUsageNamedLikeEveryCommand() throws Exception {
    assertEquals("duplex serve: Invalid value for option '--port': 99999 is not in 0..65535 (see duplex serve --help)",
        fails(Exit.USAGE, "serve", "--port", "99999"));
  }

  @Test
  void bridgeOfAMissingCommandExits2() throws Exception {
    assertEquals("duplex bridge: command not found: no-such-command-here",
        fails(Exit.USAGE, "bridge", "--port", "0", "--", "no-such-command-here"));
  }
}
