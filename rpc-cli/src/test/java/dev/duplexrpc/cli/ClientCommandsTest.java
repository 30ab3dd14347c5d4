package dev.duplexrpc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.cli.testing.Cli;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.testing.CountingPublisher;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code call}, {@code notify}, {@code discover} and {@code listen}, run as the real jar against a server in this JVM. */
class ClientCommandsTest {

  /** The server's service. */
  public interface Shop {
    @RpcMethod
    Map<String, Object> order(@RpcParam("item") String item, @RpcParam("quantity") int quantity);

    @RpcMethod
    String refuse();

    @RpcNotification
    void restock(String item);

    @RpcMethod
    String token();

    @RpcMethod
    Flow.Publisher<Integer> count(int n);

    @RpcMethod
    Flow.Publisher<Integer> failAfter(int n);
  }

  static final BlockingQueue<String> restocked = new LinkedBlockingQueue<>();
  static RpcServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RpcServer.builder()
        .path("/shop")
        .service(new Shop() {
          @Override
          public Map<String, Object> order(String item, int quantity) {
            return Map.of("item", item, "quantity", quantity);
          }

          @Override
          public String refuse() {
            JsonObject data = new JsonObject();
            data.addProperty("reason", "closed on Sundays");
            throw new RpcException(4001, "Shop closed", data);
          }

          @Override
          public void restock(String item) {
            restocked.add(item);
          }

          @Override
          public Flow.Publisher<Integer> count(int n) {
            return CountingPublisher.of(n);
          }

          @Override
          public Flow.Publisher<Integer> failAfter(int n) {
            return CountingPublisher.failingAfter(n, () -> new RpcException(4002, "Sold out"));
          }

          @Override
          public String token() {
            return ServerConnection.current().handshake().header("X-Token");
          }
        })
        .event("priceChanged")
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

  String url() {
    return server.uri().toString();
  }

  @Test
  void callPrintsTheResultAsPrettyJson() throws Exception {
    Cli cli = Cli.start("call", url(), "order", "{\"quantity\":3,\"item\":\"coffee\"}");
    assertEquals(0, cli.exitCode(), () -> "stderr: " + restOfErr(cli));
    String out = cli.restOfOut();
    assertTrue(out.startsWith("{\n  \""), out);
    assertEquals(JsonParser.parseString("{\"item\":\"coffee\",\"quantity\":3}"), JsonParser.parseString(out));
  }

  @Test
  void callStreamPrintsEachItemAsAJsonLine() throws Exception {
    Cli cli = Cli.start("call", "--stream", url(), "count", "[3]");
    assertEquals(0, cli.exitCode(), () -> "stderr: " + restOfErr(cli));
    assertEquals("0\n1\n2\n", cli.restOfOut());
  }

  @Test
  void callStreamEndingWithAnErrorPrintsItsItemsThenTheErrorAndExits1() throws Exception {
    Cli cli = Cli.start("call", "--stream", url(), "failAfter", "[2]");
    assertEquals(Exit.RPC_ERROR, cli.exitCode());
    assertEquals("0\n1\n", cli.restOfOut());
    assertEquals(List.of("duplex call: error 4002: Sold out"), cli.restOfErr());
  }

  @Test
  void callWithAnErrorReplyPrintsCodeMessageAndDataOnOneLineAndExits1() throws Exception {
    Cli cli = Cli.start("call", url(), "refuse");
    assertEquals(Exit.RPC_ERROR, cli.exitCode());
    assertEquals(List.of("duplex call: error 4001: Shop closed data: {\"reason\":\"closed on Sundays\"}"),
        cli.restOfErr());
    assertEquals("", cli.restOfOut());
  }

  @Test
  void rawPrintsEveryFrameSentAndReceived() throws Exception {
    Cli cli = Cli.start("call", "--raw", url(), "order", "[\"tea\",1]");
    assertEquals(0, cli.exitCode());
    List<String> err = new java.util.ArrayList<>(cli.restOfErr());
    // duplex-rpc.1's first message: the command keeps no resumable session (docs/resume.md).
    assertEquals("--> {\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":{\"resumable\":false}}", err.remove(0));
    assertEquals(2, err.size(), err.toString());
    assertEquals("--> {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"order\",\"params\":[\"tea\",1]}", err.get(0));
    assertTrue(err.get(1).startsWith("<-- {"), err.get(1));
    assertEquals(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"item\":\"tea\",\"quantity\":1}}"),
        JsonParser.parseString(err.get(1).substring(4)));
    assertEquals(JsonParser.parseString("{\"item\":\"tea\",\"quantity\":1}"),
        JsonParser.parseString(cli.restOfOut()));
  }

  @Test
  void headerOptionsAreSentWithTheHandshake() throws Exception {
    Cli cli = Cli.start("call", "--header", "X-Token=a=b c", url(), "token");
    assertEquals(0, cli.exitCode());
    assertEquals("\"a=b c\"\n", cli.restOfOut());
  }

  @Test
  void notifySendsTheNotificationAndExits0() throws Exception {
    restocked.clear();
    Cli cli = Cli.start("notify", url(), "restock", "[\"milk\"]");
    assertEquals(0, cli.exitCode());
    assertEquals("milk", restocked.poll(Cli.WAIT_SECONDS, TimeUnit.SECONDS));
    assertEquals("", cli.restOfOut());
  }

  @Test
  void discoverPrintsTheOpenRpcDocument() throws Exception {
    Cli cli = Cli.start("discover", url());
    assertEquals(0, cli.exitCode());
    JsonObject doc = JsonParser.parseString(cli.restOfOut()).getAsJsonObject();
    assertTrue(doc.get("openrpc").getAsString().startsWith("1."), doc.toString());
    List<String> names = new java.util.ArrayList<>();
    doc.getAsJsonArray("methods").forEach(m -> names.add(m.getAsJsonObject().get("name").getAsString()));
    assertTrue(names.containsAll(List.of("order", "refuse", "restock")), names.toString());
  }

  @Test
  void listenPrintsEachEventAsOneJsonLineUntilDestroyed() throws Exception {
    Cli cli = Cli.start("listen", url(), "--subscribe", "priceChanged");
    cli.errLineContaining("subscribed to priceChanged");
    assertEquals(1, server.events().publish("priceChanged", Map.of("item", "coffee", "price", 2.4)));
    assertEquals(1, server.events().publish("priceChanged", "flat"));
    assertEquals(JsonParser.parseString("{\"event\":\"priceChanged\",\"data\":{\"item\":\"coffee\",\"price\":2.4}}"),
        JsonParser.parseString(cli.nextOut()));
    assertEquals("{\"event\":\"priceChanged\",\"data\":\"flat\"}", cli.nextOut());
    cli.process().destroy();
    assertEquals(143, cli.exitCode()); // SIGTERM
  }

  @Test
  void listenEndsWith0WhenTheServerClosesNormallyAnd7Otherwise() throws Exception {
    Cli normal = Cli.start("listen", url(), "-s", "priceChanged");
    normal.errLineContaining("subscribed to priceChanged");
    Cli abnormal = Cli.start("listen", url(), "-s", "priceChanged");
    abnormal.errLineContaining("subscribed to priceChanged");
    List<ServerConnection> subscribers = new java.util.ArrayList<>(server.events().subscribers("priceChanged"));
    assertEquals(2, subscribers.size());
    // which process is which connection does not matter: one gets each code
    subscribers.get(0).close(1001, "bye");
    subscribers.get(1).close(4000, "kicked");
    int first = normal.exitCode();
    int second = abnormal.exitCode();
    List<String> lines = new java.util.ArrayList<>(normal.restOfErr());
    lines.addAll(abnormal.restOfErr());
    assertEquals(List.of(0, Exit.CLOSED), java.util.stream.Stream.of(first, second).sorted().toList(), lines::toString);
    assertTrue(lines.contains("duplex listen: the server closed the connection (1001 bye)"), lines::toString);
    assertTrue(lines.contains("duplex listen: connection closed (4000 kicked)"), lines::toString);
  }

  @Test
  void listenToAnUndeclaredEventExits1() throws Exception {
    Cli cli = Cli.start("listen", url(), "--subscribe", "nope");
    assertEquals(Exit.RPC_ERROR, cli.exitCode());
    String line = cli.nextErr();
    assertTrue(line.startsWith("duplex listen: error -32602: ") && line.contains("provided event invalid"), line);
  }

  private static String restOfErr(Cli cli) {
    try {
      return String.join("\n", cli.restOfErr());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
