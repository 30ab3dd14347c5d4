package dev.duplexrpc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionListener;
import dev.duplexrpc.server.ConnectionSetup;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import dev.duplexrpc.testing.FaultProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code duplex.js} resumes its session in a real headless Chromium (docs/resume.md): the page,
 * loaded from the library's {@link RpcServer}, connects to it through the fault-injecting {@link
 * FaultProxy}, and the test cuts the link: a TCP reset both ways (the page and the server see
 * 1006), or a freeze that the server's heartbeat ends on its side. A page cannot see a frozen link
 * itself (it can neither send WebSocket pings nor see the server's), so it learns of that drop
 * when the link comes back (or its TCP connection gives up). What the page saw is read back over
 * the DevTools protocol from {@code browser-test/resume-page.js}.
 *
 * <p>Skipped when no chromium is installed, unless {@code CI=true} (then it fails).
 */
class BrowserResumeTest {

  /** A method that answers only when the test lets it, to hold a call open across a cut. */
  public interface Waiting {
    @RpcMethod
    CompletableFuture<String> hang(String tag);
  }

  private static final String NEWS = "news";
  private static final Logger GLASSFISH = Logger.getLogger("org.glassfish");
  private static Chromium chromium;

  private final BlockingQueue<CompletableFuture<String>> hanging = new LinkedBlockingQueue<>();
  private final AtomicInteger hangRuns = new AtomicInteger();
  private final AtomicInteger opens = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();
  private RpcServer server;
  private FaultProxy proxy;
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
  void startServerAndOpenPage() throws Exception {
    server = server(0);
    proxy = FaultProxy.start(new InetSocketAddress("127.0.0.1", server.port()));
    page = chromium.newPage();
    page.navigate("http://127.0.0.1:" + server.port() + "/test/resume.html");
    assertEquals("open", page("open('ws://127.0.0.1:" + proxy.port() + "/rpc')").getAsString());
  }

  @AfterEach
  void closeAll() throws Exception {
    try {
      if (page != null) {
        page.close();
      }
    } finally {
      proxy.close();
      server.close();
      hanging.forEach(f -> f.complete("test over"));
    }
  }

  /** A server of this library with sessions on (the default), on {@code port}. */
  private RpcServer server(int port) throws Exception {
    return RpcServer.builder()
        .host("127.0.0.1")
        .port(port)
        .path("/rpc")
        .pingInterval(Duration.ofMillis(100)) // the heartbeat ends a frozen link within a second
        .idleTimeout(Duration.ofMillis(800))
        .event(NEWS)
        .service((Waiting) tag -> {
          hangRuns.incrementAndGet();
          CompletableFuture<String> f = new CompletableFuture<>();
          hanging.add(f);
          return f;
        })
        .connectionListener(new ConnectionListener() {
          @Override
          public void onOpen(ConnectionSetup setup) {
            opens.incrementAndGet();
          }

          @Override
          public void onResume(ServerConnection connection) {
            resumes.incrementAndGet();
          }
        })
        .staticResources("/test", "browser-test")
        .browserClient("/duplex.js")
        .build()
        .start();
  }

  /** Calls an export of the page's resume-page.js and waits for its value. */
  private JsonElement page(String call) throws Exception {
    return page.evaluate("import('/test/resume-page.js').then(m => m." + call + ")");
  }

  private ServerConnection onlyConnection() {
    List<ServerConnection> all = new ArrayList<>(server.connections());
    assertEquals(1, all.size(), "connections");
    return all.get(0);
  }

  @Test
  void callsBothWaysAndEventsOfTheGapCompleteExactlyOnceAcrossACut() throws Exception {
    // A call from the page the server holds, and a call from the server the page holds.
    page("call('hang', 'hang', ['across'])");
    CompletableFuture<String> hang = hanging.poll(10, TimeUnit.SECONDS);
    assertNotNull(hang, "the server got the page's call");
    CompletableFuture<String> asked = onlyConnection().peer().call("ask", String.class, "q1").toCompletableFuture();
    assertEquals(1, page("asked()").getAsInt());
    server.events().publish(NEWS, "n1");
    assertEquals(json("['n1']"), page("eventsAtLeast(1)"));

    proxy.resetNewConnections(true); // the page's attempts fail until the gap is over
    proxy.links().forEach(FaultProxy.Link::cut);
    assertEquals(json("['open', 'resuming']"), page("reached('resuming', 1)"));
    // The gap: events published, the server's handler finishes, the page answers, the page calls.
    server.events().publish(NEWS, "n2");
    server.events().publish(NEWS, "n3");
    hang.complete("done across the cut");
    assertEquals(true, page("release()").getAsBoolean());
    page("call('during', 'hang', ['during'])");
    assertEquals("resuming", page("state()").getAsString());
    proxy.resetNewConnections(false);

    assertEquals(json("['open', 'resuming', 'open']"), page("reached('open', 2)"));
    assertEquals(json("{result: 'done across the cut'}"), page("outcome('hang')"));
    assertEquals("answer to q1", asked.get(10, TimeUnit.SECONDS));
    CompletableFuture<String> during = hanging.poll(10, TimeUnit.SECONDS);
    assertNotNull(during, "the call made while resuming reached the server");
    during.complete("after");
    assertEquals(json("{result: 'after'}"), page("outcome('during')"));
    server.events().publish(NEWS, "n4");
    assertEquals(json("['n1', 'n2', 'n3', 'n4']"), page("eventsAtLeast(4)"));

    assertEquals(json("{states: ['open', 'resuming', 'open'], events: ['n1', 'n2', 'n3', 'n4'], hookRuns: 0,"
        + " asked: 1, pendingCalls: 0, state: 'open'}"), page("summary()"));
    assertEquals(2, hangRuns.get(), "each call ran its handler once");
    assertNull(hanging.poll(), "no call ran twice");
    assertEquals(1, opens.get(), "one session");
    assertEquals(1, resumes.get(), "resumed once");
  }

  @Test
  void aFrozenLinkTheServersHeartbeatEndedIsResumedWhenTheLinkComesBack() throws Exception {
    FaultProxy.Link link = proxy.links().get(0);
    page("call('hang', 'hang', ['frozen'])");
    CompletableFuture<String> hang = hanging.poll(10, TimeUnit.SECONDS);
    assertNotNull(hang, "the server got the page's call");

    link.freeze();
    page("call('intoTheFreeze', 'hang', ['held'])"); // its bytes never reach the server
    server.events().publish(NEWS, "f1");              // its bytes wait in the proxy for the page
    link.serverClosed().get(10, TimeUnit.SECONDS);    // the server's heartbeat ended its socket
    hang.complete("done while frozen");
    server.events().publish(NEWS, "f2");
    assertEquals("open", page("state()").getAsString(), "the page cannot tell a frozen link");
    assertEquals(1, hangRuns.get());

    link.unfreeze(); // the page gets what was held, then the end of the connection
    assertEquals(json("['open', 'resuming', 'open']"), page("reached('open', 2)"));
    assertEquals(json("{result: 'done while frozen'}"), page("outcome('hang')"));
    CompletableFuture<String> replayed = hanging.poll(10, TimeUnit.SECONDS);
    assertNotNull(replayed, "the call sent into the freeze was replayed");
    replayed.complete("replayed");
    assertEquals(json("{result: 'replayed'}"), page("outcome('intoTheFreeze')"));
    server.events().publish(NEWS, "f3");
    assertEquals(json("['f1', 'f2', 'f3']"), page("eventsAtLeast(3)"));
    assertEquals(json("{states: ['open', 'resuming', 'open'], events: ['f1', 'f2', 'f3'], hookRuns: 0,"
        + " asked: 0, pendingCalls: 0, state: 'open'}"), page("summary()"));
    assertEquals(2, hangRuns.get(), "each call ran its handler once");
    assertEquals(1, resumes.get(), "resumed once");
  }

  @Test
  void aServerThatRestartedMakesAFreshSessionFailsWhatWasPendingAndRunsTheHook() throws Exception {
    page("call('hang', 'hang', ['lost'])");
    assertNotNull(hanging.poll(10, TimeUnit.SECONDS), "the server got the page's call");

    // The server goes away without a close frame and comes back on the same port, knowing nothing.
    proxy.resetNewConnections(true);
    proxy.links().forEach(FaultProxy.Link::cut);
    assertEquals(json("['open', 'resuming']"), page("reached('resuming', 1)"));
    int port = server.port();
    server.close();
    server = server(port);
    proxy.resetNewConnections(false);

    assertEquals(json("['open', 'resuming', 'reconnecting', 'open']"), page("reached('open', 2)"));
    assertEquals(json("{code: -32002, message: 'Connection closed (1006: session not resumed)', closeCode: 1006}"),
        page("outcome('hang')"));
    assertEquals(1, page("summary()").getAsJsonObject().get("hookRuns").getAsInt(), "the hook ran once");
    // The subscription was renewed on the fresh session.
    assertEquals(1, server.events().publish(NEWS, "fresh"));
    assertEquals(json("['fresh']"), page("eventsAtLeast(1)"));
    assertEquals(0, resumes.get(), "nothing resumed");
  }

  /** Lenient JSON (single quotes, bare names) for readable expectations. */
  private static JsonElement json(String lenient) {
    return JsonParser.parseString(lenient);
  }
}
