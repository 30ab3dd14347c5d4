package dev.duplexrpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import dev.duplexrpc.cli.testing.Cli;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code duplex serve} started as a process, called by the jar and by the library's client. */
class ServeCommandTest {

  /** What the Java client serves, for the server's call-back. */
  public interface ClientSide {
    @RpcMethod
    String greet(String name);
  }

  @AfterEach
  void destroyProcesses() throws InterruptedException {
    Cli.destroyAll();
  }

  @Test
  void servePrintsItsUrlAndAnswersTheJarAndTheJavaClientIncludingACallBack() throws Exception {
    Cli serve = Cli.start("serve", "--port", "0", "--tick", "100ms");
    String url = serve.nextOut();
    assertTrue(url.matches("ws://127\\.0\\.0\\.1:\\d+/rpc"), url);

    Cli call = Cli.start("call", url, "callback", "[\"echo\", [\"from the jar\"]]");
    assertEquals(0, call.exitCode());
    assertEquals("\"from the jar\"\n", call.restOfOut()); // the server called the jar's echo back

    BlockingQueue<JsonElement> ticks = new LinkedBlockingQueue<>();
    try (ClientConnection c = RpcClient.builder()
        .uri(url)
        .reconnectPolicy(ReconnectPolicy.none())
        .service((ClientSide) name -> "hello " + name)
        .build()
        .connect()) {
      assertEquals(19L, c.peer().<Long>callNamed("subtract", Long.class,
          Map.of("subtrahend", 23, "minuend", 42)).get(Cli.WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals(7L, c.peer().<Long>call("sum", Long.class, 1, 2, 4).get(Cli.WAIT_SECONDS, TimeUnit.SECONDS));
      assertEquals("hello Ada", c.peer().<JsonElement>call("callback", JsonElement.class, "greet", List.of("Ada"))
          .get(Cli.WAIT_SECONDS, TimeUnit.SECONDS).getAsString());
      c.subscribe("tick", JsonElement.class, ticks::add);
      long first = ticks.poll(Cli.WAIT_SECONDS, TimeUnit.SECONDS).getAsLong();
      long second = ticks.poll(Cli.WAIT_SECONDS, TimeUnit.SECONDS).getAsLong();
      assertEquals(first + 1, second);
    }
    serve.process().destroy();
    assertEquals(143, serve.exitCode());
  }

  @Test
  void launcherScriptRunsTheBuiltJar() throws Exception {
    Path launcher = Path.of(System.getProperty("duplex.launcher", "../bin/duplex"));
    Cli cli = Cli.start(List.of("sh", launcher.toString(), "--version"));
    assertEquals(0, cli.exitCode(), () -> "stderr: " + cli.process());
    assertTrue(cli.nextOut().startsWith("duplex 0."), "a version from the jar's manifest");
  }
}
