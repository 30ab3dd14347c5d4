package dev.duplexrpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.CountingPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser demo page in a real headless Chromium: the page, loaded over HTTP from the server
 * it then connects to (127.0.0.1, an ephemeral port), uses {@code duplex.js} to call the server,
 * answer the server's calls, receive its events, and see timeouts and closes. Every result is
 * read back from the page (its DOM or its {@code window.demo} object) over the DevTools protocol
 * and asserted here. A last test runs {@code wire-checks.js} in the page: duplex.js against a
 * scripted socket, compared frame by frame with the exact expected text.
 *
 * <p>Skipped when no chromium is installed, unless {@code CI=true} (then it fails).
 */
class BrowserPageTest {

  /** A method that answers only when the test lets it, to hold a call open. */
  public interface Waiting {
    @RpcMethod
    CompletableFuture<String> hang();
  }

  /** A stream result for the page's {@code for await}. */
  public interface Counting {
    @RpcMethod
    Flow.Publisher<Integer> count(int n);
  }

  /** Where the screenshot of the page goes. */
  static final Path SCREENSHOT = Path.of("target", "browser", "duplex-page.png");

  /** Keeps Grizzly's and Tyrus's start/stop logging out of the test output (held: loggers are weak). */
  private static final Logger GLASSFISH = Logger.getLogger("org.glassfish");

  private static Chromium chromium;

  private final BlockingQueue<CompletableFuture<String>> hanging = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> hangOutcomes = new LinkedBlockingQueue<>();
  private final BlockingQueue<CountingPublisher> counts = new LinkedBlockingQueue<>();
  private RpcServer server;
  private Chromium.Page page;

  @BeforeAll
  static void startBrowser() throws Exception {
    GLASSFISH.setLevel(Level.WARNING);
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stopBrowser() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
  }

  @BeforeEach
  void startServerAndLoadPage() throws Exception {
    Waiting waiting = () -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> hangOutcomes.add(e != null ? e : new AssertionError("completed with " + r)));
      hanging.add(f);
      return f;
    };
    server = BrowserDemo.server(0)
        .service(waiting)
        .service((Counting) n -> {
          CountingPublisher p = CountingPublisher.of(n);
          counts.add(p);
          return p;
        })
        .staticResources("/test", "browser-test")
        .build()
        .start();
    page = chromium.newPage();
    page.navigate("http://127.0.0.1:" + server.port() + "/");
    assertEquals(true, page.evaluate("window.demo.ready").getAsBoolean(), "the page's first order");
  }

  @AfterEach
  void closePageAndServer() throws Exception {
    try {
      if (page != null) {
        page.close();
      }
    } finally {
      server.close();
      hanging.forEach(f -> f.complete("test over"));
    }
  }

  private String text(String id) throws Exception {
    return page.evaluate("document.getElementById('" + id + "').textContent").getAsString();
  }

  private ServerConnection onlyConnection() {
    List<ServerConnection> all = new ArrayList<>(server.connections());
    assertEquals(1, all.size(), "connections");
    return all.get(0);
  }

  @Test
  void pageCallsServerWhichCallsThePageBackBeforeAnswering() throws Exception {
    assertEquals("receipt: 3 x coffee, 7.50, confirmed", text("receipt"));
    assertEquals("confirm(\"3 x coffee for 7.50?\") → true", text("questions"));
    assertEquals("open", text("status"));
  }

  @Test
  void pageSendsABatchThatTheServerAnswersCallByCall() throws Exception {
    JsonElement results = page.evaluate("(() => {"
        + " const batch = window.demo.rpc.batch();"
        + " const calls = [batch.call('order', ['tea', 2]), batch.call('nope', [])];"
        + " batch.notify('nobody.listens');"
        + " batch.send();"
        + " return Promise.all(calls.map(p => p.then(r => ({result: r}), e => ({code: e.code, message: e.message}))));"
        + " })()");
    assertEquals(json("[{result: 'receipt: 2 x tea, 5.00, confirmed'}, {code: -32601, message: 'Method not found'}]"),
        results);
    assertTrue(text("questions").contains("confirm(\"2 x tea for 5.00?\") → true"), text("questions"));
  }

  @Test
  void serverCallsMethodsThePageExposes() throws Exception {
    ServerConnection connection = onlyConnection();
    Customer customer = connection.remote(Customer.class);
    customer.priceChanged("tea", 1.9);                       // a notification, handled in order
    assertTrue(customer.confirm("Java asks: 2 x tea?"));    // a request, answered by the page
    assertEquals(
        "confirm(\"3 x coffee for 7.50?\") → true"
            + "priceChanged: tea now costs 1.90"
            + "confirm(\"Java asks: 2 x tea?\") → true",
        text("questions"));

    page.evaluate("import('/duplex.js').then(({RpcError}) => {"
        + " window.demo.rpc.expose('refuse', () => { throw new RpcError(-32010, 'Refused', {why: 'test'}); });"
        + " window.demo.rpc.expose('crash', () => { throw new Error('a detail that stays in the page'); });"
        + " window.demo.rpc.expose('twice', async (x) => x * 2); })");
    assertEquals(42, connection.peer().call("twice", Integer.class, 21).get(10, TimeUnit.SECONDS));
    RpcException refused = rpcError(connection, "refuse");
    assertEquals(-32010, refused.code());
    assertEquals("Refused", refused.errorMessage());
    assertEquals(JsonParser.parseString("{\"why\":\"test\"}"), refused.data());
    RpcException crashed = rpcError(connection, "crash");
    assertEquals(-32603, crashed.code());
    assertEquals("Internal error", crashed.errorMessage());
    assertNull(crashed.data());
    assertEquals(-32601, rpcError(connection, "notExposed").code());
  }

  private static RpcException rpcError(ServerConnection connection, String method) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> connection.peer().call(method, Object.class).get(10, TimeUnit.SECONDS));
    return assertInstanceOf(RpcException.class, e.getCause());
  }

  @Test
  void pageReceivesEventsTheServerPublishes() throws Exception {
    assertEquals(1, server.events().publish(BrowserDemo.NEWS, "first news"));
    assertEquals(1, server.events().publish(BrowserDemo.NEWS, "second news"));
    assertEquals("first news", page.evaluate("window.demo.nextEvent(0)").getAsString());
    assertEquals("second news", page.evaluate("window.demo.nextEvent(1)").getAsString());
    assertEquals("first newssecond news", text("events"));

    page.screenshot(SCREENSHOT);
    assertTrue(Files.size(SCREENSHOT) > 1000, "a PNG of the page");
    System.out.println("Screenshot of the page after the exchange: " + SCREENSHOT.toAbsolutePath());
  }

  @Test
  void callThatTimesOutRejectsWithMinus32001AndCancelsTheServersWork() throws Exception {
    JsonObject outcome = page.evaluate("window.demo.rpc.call('hang', [], {timeout: 300})"
        + ".then(r => ({result: r}), e => ({code: e.code, message: e.message}))").getAsJsonObject();
    assertEquals(-32001, outcome.get("code").getAsInt(), outcome.toString());
    assertEquals("No response to 'hang' within 300 ms", outcome.get("message").getAsString());
    assertNotNull(hanging.poll(10, TimeUnit.SECONDS), "the server got the call");
    // duplex.js sent rpc.cancel for the call, which cancels the handler's future on the server.
    assertInstanceOf(CancellationException.class, hangOutcomes.poll(10, TimeUnit.SECONDS));
    assertEquals(0, page.evaluate("window.demo.rpc.pendingCalls").getAsInt());
  }

  @Test
  void streamedResultIsAnAsyncIterableAndBreakCancelsIt() throws Exception {
    JsonElement out = page.evaluate("(async () => {"
        + " const all = []; for await (const n of window.demo.rpc.stream('count', [5])) all.push(n);"
        + " const some = [];"
        + " for await (const n of window.demo.rpc.stream('count', [1000000], {window: 8})) {"
        + "   some.push(n); if (some.length === 3) break; }"
        + " return {all, some}; })()");
    assertEquals(json("{all: [0, 1, 2, 3, 4], some: [0, 1, 2]}"), out);
    assertNotNull(counts.poll(10, TimeUnit.SECONDS), "the first stream");
    CountingPublisher broken = counts.poll(10, TimeUnit.SECONDS);
    assertNotNull(broken, "the second stream");
    broken.cancelled().get(10, TimeUnit.SECONDS); // break sent rpc.stream.cancel
  }

  @Test
  void pendingCallIsRejectedWhenTheServerClosesAndThePageReconnects() throws Exception {
    page.evaluate("window.pendingOutcome = window.demo.rpc.call('hang', [], {timeout: 0})"
        + ".then(r => ({result: r}), e => ({code: e.code, message: e.message, closeCode: e.closeCode})); 0");
    assertNotNull(hanging.poll(10, TimeUnit.SECONDS), "the server got the call");
    server.close();
    JsonObject outcome = page.evaluate("window.pendingOutcome").getAsJsonObject();
    assertEquals(-32002, outcome.get("code").getAsInt(), outcome.toString());
    assertEquals(1001, outcome.get("closeCode").getAsInt(), outcome.toString());
    assertTrue(outcome.get("message").getAsString().startsWith("Connection closed (1001"), outcome.toString());
    // 1001 (going away) may pass: the page tries again, as the Java client does, until closed.
    assertEquals("reconnecting", text("status"));
    assertFalse(page.evaluate("window.demo.rpc.isOpen").getAsBoolean());
    assertEquals(json("{code: 4000, reason: 'leaving'}"), page.evaluate("window.demo.rpc.close(4000, 'leaving')"));
    assertTrue(text("status").startsWith("closed (4000: leaving"), text("status"));
  }

  @Test
  void duplexJsKeepsToTheWire() throws Exception {
    JsonObject out = page.evaluate("import('/test/wire-checks.js').then(m => m.run())").getAsJsonObject();
    int port = server.port();
    assertEquals("ws://127.0.0.1:" + port + "/ws", out.get("url").getAsString());
    assertEquals(json("["
        + "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"calc.add\",\"params\":[2,3]}',"
        + "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}',"
        + "'{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"calc.sub\",\"params\":{\"minuend\":5,\"subtrahend\":3}}',"
        + "'{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[\"hi\"]}',"
        + "'{\"jsonrpc\":\"2.0\",\"method\":\"bare\"}']"), out.get("sent"));
    assertEquals("TypeError", out.get("badParams").getAsString());

    // Responses: only the integer id we sent matches; the rest is dropped, never answered.
    assertEquals(json("{result: {ok: true}}"), out.get("matched"));
    assertEquals(json("{code: -32010, message: 'Negative argument', data: {x: -1}}"), out.get("error"));
    assertEquals(json("{code: -32006, message: 'Malformed error object', data: {error: {code: 1.5, message: 'x'}}}"),
        out.get("malformed"));
    assertEquals(json("{code: -32601, message: 'Method not found'}"), out.get("noMessage"));
    assertEquals(4, out.get("responsesSent").getAsInt());
    assertEquals(0, out.get("pendingAfter").getAsInt());

    // Requests from the other end, each handed over after the previous one was answered.
    List<String> replies = new ArrayList<>();
    out.getAsJsonArray("replies").forEach(e -> replies.add(e.getAsString()));
    List<String> expected = List.of(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":5}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a1\",\"result\":2}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":42}",
        "{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":null}",
        "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32010,\"message\":\"Refused\",\"data\":{\"why\":\"test\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":10,\"error\":{\"code\":-32603,\"message\":\"Internal error\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":11,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":12,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":13,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":14,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}",
        "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request\"}}]",
        "[{\"jsonrpc\":\"2.0\",\"id\":15,\"result\":3}]");
    assertEquals(String.join("\n", expected), String.join("\n", replies));
    assertEquals(json("['n1', 'n2', 'n3']"), out.get("notified"));

    assertEquals(json("{code: -32002, message: 'Connection closed (1006)', closeCode: 1006, closeReason: ''}"),
        out.get("refusedConnect"));

    // A batch is one array in one frame; its calls settle by their own ids, whatever the order.
    assertEquals("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":[1,2]},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"note\",\"params\":[\"x\"]},"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}]", out.get("batchFrame").getAsString());
    assertEquals(json("[{result: 3}, {code: -32601, message: 'Method not found'}]"), out.get("batchResults"));
    assertEquals("TypeError", out.get("batchAgain").getAsString());
    assertEquals("TypeError", out.get("emptyBatch").getAsString());
    assertEquals(1, out.get("batchSent").getAsInt());

    // Timeouts send rpc.cancel; a late answer is dropped; a close rejects what is pending.
    assertEquals(json("{code: -32001, message: \"No response to 'slow' within 50 ms\"}"), out.get("timedOut"));
    assertEquals(json("{code: -32002, message: 'Connection closed (1001: going away)', closeCode: 1001,"
        + " closeReason: 'going away'}"), out.get("closed"));
    assertEquals(json("{code: -32002, message: 'Connection closed (1001: going away)', closeCode: 1001,"
        + " closeReason: 'going away'}"), out.get("afterClose"));
    assertEquals(json("{code: 1001, reason: 'going away'}"), out.get("closedInfo"));
    assertEquals(json("["
        + "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"slow\",\"params\":[]}',"
        + "'{\"jsonrpc\":\"2.0\",\"method\":\"rpc.cancel\",\"params\":{\"id\":1}}',"
        + "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"waits\"}']"), out.get("timeoutFrames"));

    // Events: one rpc.on per event, payloads by the params rules, rpc.off after the last handler.
    assertEquals(json("[['first', {id: 7}], ['second', {id: 7}], ['first', 8], ['second', 8], ['second', null]]"),
        out.get("events"));
    assertEquals(json("["
        + "'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.on\",\"params\":[\"feed\"]}',"
        + "'{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"rpc.off\",\"params\":[\"feed\"]}',"
        + "'{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"rpc.on\",\"params\":[\"nope\"]}']"), out.get("eventFrames"));
    assertEquals(json("{code: -32602, message: \"Subscription to 'nope' refused: provided event invalid\","
        + " data: {nope: 'provided event invalid'}}"), out.get("refused"));
    assertEquals(json("[false, false]"), out.get("active"));

    // A close code that may pass (1001): what was pending fails, the page reconnects, the hook runs.
    JsonElement goingAway = json("{code: -32002, message: 'Connection closed (1001: going away)', closeCode: 1001,"
        + " closeReason: 'going away'}");
    assertEquals(goingAway, out.get("reconnectFailed"));
    assertEquals(goingAway, out.get("duringReconnect"), "calls fail at once while reconnecting");
    assertEquals(json("['open', 'reconnecting', 'open']"), out.get("reconnectStates"));
    assertEquals(1, out.get("reconnectHooks").getAsInt());
    assertTrue(out.get("reconnectedSocket").getAsBoolean());

    // Resumable sessions (docs/resume.md): numbering, acknowledgements, the resume and its replay.
    assertEquals("resuming", out.get("resumingState").getAsString());
    assertEquals(json("[{result: 3}, {result: 7}, {result: 11}]"), out.get("sessionResults"));
    assertEquals(json("{code: -32002, message: 'Connection closed (1006: session not resumed)', closeCode: 1006,"
        + " closeReason: 'session not resumed'}"), out.get("notResumed"));
    String session = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.session\",\"params\":";
    String ack = "{\"jsonrpc\":\"2.0\",\"method\":\"rpc.ack\",\"params\":{\"received\":";
    List<List<String>> frames = List.of(
        List.of(session + "{}}", ack + "0}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":[1,2]}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"add\",\"params\":[3,4]}",
            ack + "64}}"),
        List.of(session + "{\"token\":\"t1\",\"received\":64}}", ack + "64}}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"add\",\"params\":[3,4]}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"add\",\"params\":[5,6]}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"add\",\"params\":[7,8]}"),
        List.of(session + "{\"token\":\"t2\",\"received\":67}}", ack + "0}}"));
    for (int i = 0; i < frames.size(); i++) {
      List<String> sent = new ArrayList<>();
      out.getAsJsonArray("sessionFrames").get(i).getAsJsonArray().forEach(e -> sent.add(e.getAsString()));
      assertEquals(String.join("\n", frames.get(i)), String.join("\n", sent), "socket " + (i + 1));
    }
    assertEquals(json("['open', 'resuming', 'open', 'resuming', 'reconnecting', 'open', 'closed']"),
        out.get("sessionStates"));
    assertEquals(1, out.get("sessionHooks").getAsInt(), "the hook runs for the fresh session only");
  }

  /** Lenient JSON (single quotes, bare names) for readable expectations. */
  private static JsonElement json(String lenient) {
    return JsonParser.parseString(lenient);
  }
}
