package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Events under load, on real sockets, bounded in count and time: a subscriber gets every event in
 * publish order while 100 other connections subscribe and unsubscribe concurrently, and a publish
 * to 1,000 subscribers converts its payload to JSON exactly once (counted by the payload's Gson
 * type adapter, not timed).
 */
class EventsLoadTest {
  static final int EVENTS = 2000;
  /** Below the client's notification backlog limit (10,000), which would close the subscriber. */
  static final int MAX_EVENTS = 8_000;
  static final int CHURNERS = 100;
  static final int ROUNDS = 10;
  static final int SUBSCRIBERS = 1000;
  static final long TIMEOUT_SECONDS = 60;

  /** The payload of the counting test. */
  record Tick(int n, String label) {}

  /** Writes a {@link Tick} by hand and counts how often it was asked to. */
  static final class CountingTickAdapter extends TypeAdapter<Tick> {
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public void write(JsonWriter out, Tick value) throws IOException {
      writes.incrementAndGet();
      out.beginObject().name("n").value(value.n()).name("label").value(value.label()).endObject();
    }

    @Override
    public Tick read(JsonReader in) {
      throw new UnsupportedOperationException("only written in this test");
    }
  }

  /** Event frames that {@link #request} skipped. */
  private final AtomicInteger skippedEvents = new AtomicInteger();

  /** Sends a request and returns its answer's result, skipping (and counting) event frames. */
  private JsonElement request(JdkWebSocketClient ws, int id, String method, String params)
      throws Exception {
    ws.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
    while (true) {
      JsonElement e = JsonParser.parseString(ws.next());
      if (e.getAsJsonObject().has("id") && e.getAsJsonObject().get("id").getAsInt() == id) {
        return e.getAsJsonObject().get("result");
      }
      skippedEvents.incrementAndGet();
    }
  }

  @Test
  void subscriberGetsEveryEventInOrderWhileHundredConnectionsSubscribeAndUnsubscribe() throws Exception {
    JsonElement ok = JsonParser.parseString("{\"tick\":\"ok\"}");
    ExecutorService pool = Executors.newFixedThreadPool(CHURNERS);
    HttpClient http = JdkWebSocketClient.newHttpClient();
    List<JdkWebSocketClient> churners = new ArrayList<>();
    try (RpcServer server = RpcServer.builder().event("tick").build().start();
        ClientConnection subscriber = RpcClient.builder().uri(server.uri()).build().connect()) {
      BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
      subscriber.subscribe("tick", Integer.class, got::add);
      for (int c = 0; c < CHURNERS; c++) {
        churners.add(JdkWebSocketClient.connect(server.uri(), http));
      }
      CountDownLatch started = new CountDownLatch(CHURNERS);
      List<CompletableFuture<Void>> churning = new ArrayList<>();
      for (JdkWebSocketClient ws : churners) {
        churning.add(CompletableFuture.runAsync(() -> {
          started.countDown();
          try {
            for (int r = 0; r < ROUNDS; r++) {
              assertEquals(ok, request(ws, 2 * r + 1, "rpc.on", "[\"tick\"]"));
              assertEquals(ok, request(ws, 2 * r + 2, "rpc.off", "[\"tick\"]"));
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      CompletableFuture<Void> churned = CompletableFuture.allOf(churning.toArray(new CompletableFuture<?>[0]));
      started.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      // Publishing starts once a churner is subscribed, so that the churn overlaps it even on a
      // loaded machine (bounded wait; the server takes the subscription right after the frame).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (server.events().subscribers("tick").size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      // One publisher thread, this one, publishing until the churn is over (bounded in count).
      int published = 0;
      while ((published < EVENTS || !churned.isDone()) && published < MAX_EVENTS) {
        server.events().publish("tick", published++);
      }
      churned.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertTrue(skippedEvents.get() > 0, "no churner ever received an event: the churn did not overlap");
      for (int i = 0; i < published; i++) {
        Integer n = got.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(n, "event " + i + " never arrived");
        assertEquals(i, n, "events out of order or lost");
      }
      // Every churner ended unsubscribed; only the subscriber is left.
      assertEquals(1, server.events().subscribers("tick").size());
    } finally {
      churners.forEach(JdkWebSocketClient::close);
      pool.shutdownNow();
    }
  }

  @Test
  void publishingToThousandSubscribersConvertsThePayloadOnce() throws Exception {
    CountingTickAdapter adapter = new CountingTickAdapter();
    Gson gson = new GsonBuilder().registerTypeAdapter(Tick.class, adapter).create();
    HttpClient http = JdkWebSocketClient.newHttpClient();
    List<JdkWebSocketClient> clients = new ArrayList<>();
    try (RpcServer server = RpcServer.builder()
        .gson(gson)
        .event("tick")
        .maxMessageSize(16 * 1024) // small per-connection buffers for 1,000 sockets
        .connectionListener(setup -> {
          if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
            setup.eventForm(EventForm.RPC_WEBSOCKETS);
          }
        })
        .build()
        .start()) {
      URI compat = URI.create(server.uri() + "?events=rpc-websockets");
      JsonElement ok = JsonParser.parseString("{\"tick\":\"ok\"}");
      for (int i = 0; i < SUBSCRIBERS; i++) { // half in each form
        JdkWebSocketClient ws = JdkWebSocketClient.connect(i % 2 == 0 ? server.uri() : compat, http);
        clients.add(ws);
        assertEquals(ok, request(ws, 1, "rpc.on", "[\"tick\"]"));
      }
      assertEquals(0, adapter.writes.get());

      assertEquals(SUBSCRIBERS, server.events().publish("tick", new Tick(42, "once")));
      assertEquals(1, adapter.writes.get(), "the payload was converted more than once");

      String standard = "{\"jsonrpc\":\"2.0\",\"method\":\"tick\",\"params\":[{\"n\":42,\"label\":\"once\"}]}";
      String rpcWebsockets = "{\"notification\":\"tick\",\"params\":[{\"n\":42,\"label\":\"once\"}]}";
      for (int i = 0; i < SUBSCRIBERS; i++) {
        assertEquals(i % 2 == 0 ? standard : rpcWebsockets, clients.get(i).next());
      }
    } finally {
      clients.forEach(JdkWebSocketClient::close);
    }
  }
}
