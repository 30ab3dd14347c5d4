package dev.duplexrpc.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.testing.Heap;
import dev.duplexrpc.testing.RawWebSocket;
import dev.duplexrpc.testing.WireFuzzer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Malformed frames over real sockets, from a seeded generator: the server stays up, every frame
 * gets a valid JSON-RPC answer, nothing, or a close with the right code, and a well-formed call
 * on another connection succeeds during and after. {@code mvn verify} sends 100,000 frames; the
 * {@code fuzz} profile ten million ({@code -Dduplex.fuzz.frames}, {@code -Dduplex.fuzz.seed}).
 */
class SocketFuzzTest {
  static final long FRAMES = Long.getLong("duplex.fuzz.frames", 100_000);
  static final long SEED = Long.getLong("duplex.fuzz.seed", 20261125L);
  static final int MAX_MESSAGE = 64 * 1024;
  /** The most malformed JSON-RPC frames sent before a sentinel call. */
  static final int BATCH = 200;
  static final int READ_TIMEOUT_MILLIS = 20_000;

  /** What the fuzzed server serves (and the canary calls). */
  public interface Target {
    @RpcMethod
    String echo(String s);

    @RpcMethod
    int add(int a, int b);

    @RpcNotification
    void note(String s);
  }

  static final class TargetImpl implements Target {
    @Override
    public String echo(String s) {
      return s;
    }

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public void note(String s) {}
  }

  final Map<String, AtomicLong> outcomes = new TreeMap<>();
  /** JSON-RPC frames sent, and answers read, on the current fuzzed connection. */
  long framesOnConnection;
  long answersOnConnection;

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
  }

  @Test
  void malformedFramesGetValidAnswersOrTheRightCloseAndTheServerStaysUp() throws Exception {
    WireFuzzer fuzzer = new WireFuzzer(SEED);
    RpcServer server = RpcServer.builder().service(new TargetImpl()).maxMessageSize(MAX_MESSAGE).build().start();
    ClientConnection canary = RpcClient.builder().uri(server.uri()).build().connect();
    AtomicBoolean fuzzing = new AtomicBoolean(true);
    AtomicLong canaryCalls = new AtomicLong();
    CompletableFuture<Void> canaryRun = CompletableFuture.runAsync(() -> {
      Target t = canary.remote(Target.class);
      for (long i = 0; fuzzing.get() && i < Long.MAX_VALUE; i++) {
        assertEquals("canary " + i, t.echo("canary " + i));
        canaryCalls.incrementAndGet();
      }
    });
    long heapBefore = Heap.usedAfterGc();
    long start = System.nanoTime();
    long sent = 0;
    long connections = 0;
    try {
      RawWebSocket ws = null;
      while (sent < FRAMES) {
        if (ws == null) {
          ws = RawWebSocket.connect(server.uri(), 0, READ_TIMEOUT_MILLIS);
          connections++;
          framesOnConnection = 0;
          answersOnConnection = 0;
        }
        // Per step: 30% a frame that must close the connection, 5% a cut inside a frame, 65% a
        // batch of 1 to 200 malformed messages checked against a sentinel call.
        int choice = fuzzer.random().nextInt(100);
        if (choice < 30) {
          // A frame that must end the connection with a given code.
          WireFuzzer.BadFrame bad = fuzzer.badFrame(MAX_MESSAGE);
          ws.write(bad.bytes());
          sent++;
          int code;
          try {
            code = awaitClose(ws);
          } catch (IOException e) {
            throw new AssertionError("no close frame after " + bad.kind() + " (frame " + sent + ")", e);
          }
          assertEquals(bad.expectedClose(), code, bad.kind());
          count("close " + code + " (" + bad.kind() + ")");
          ws.close();
          ws = null;
        } else if (choice < 35) {
          // The connection cut in the middle of a frame.
          byte[] frame = RawWebSocket.frame(0x1, fuzzer.message().getBytes(StandardCharsets.UTF_8), true, true);
          ws.write(java.util.Arrays.copyOf(frame, 1 + fuzzer.random().nextInt(frame.length - 1)));
          sent++;
          count("cut mid-frame");
          ws.socket().setSoLinger(true, 0);
          ws.close();
          ws = null;
        } else {
          int n = (int) Math.min(1 + fuzzer.random().nextInt(BATCH), FRAMES - sent);
          sendBatchAndCheck(ws, fuzzer, n, sent);
          sent += n;
        }
      }
      if (ws != null) {
        ws.close();
      }
      fuzzing.set(false);
      canaryRun.get(60, TimeUnit.SECONDS);
      // After: the canary still gets answers, and nothing the fuzzer opened is left on the server.
      assertEquals("after", canary.remote(Target.class).echo("after"));
    } finally {
      fuzzing.set(false);
      canary.close();
      server.close();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long heapAfter = Heap.usedAfterGc();
    assertTrue(canaryCalls.get() > 0, "the canary made calls during the fuzzing");
    // Nothing a connection left behind adds up (a leaked session or two per thousand connections
    // came to over 100 MiB in ten million frames).
    assertTrue(heapAfter - heapBefore < 16L << 20, "heap after GC grew by " + Heap.mib(heapAfter - heapBefore));
    System.out.printf("socket fuzz: %d frames (seed %d) on %d connections in %d ms (%.0f frames/s);"
            + " %d canary calls during, all answered; heap after GC %s before, %s after; outcomes %s%n",
        sent, SEED, connections, millis, sent * 1000.0 / Math.max(1, millis), canaryCalls.get(),
        Heap.mib(heapBefore), Heap.mib(heapAfter), outcomes);
  }

  /**
   * Sends {@code n} fuzzed JSON-RPC messages, one frame each (some split into fragments), then a
   * well-formed call, and checks every frame that came back before that call's answer.
   */
  private void sendBatchAndCheck(RawWebSocket ws, WireFuzzer fuzzer, int n, long sentBefore) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      byte[] payload = fuzzer.message().getBytes(StandardCharsets.UTF_8);
      if (payload.length > 8 && fuzzer.random().nextInt(10) == 0) {
        int cut = 1 + fuzzer.random().nextInt(payload.length - 1); // a fragmented message
        out.writeBytes(RawWebSocket.frame(0x1, java.util.Arrays.copyOf(payload, cut), false, true));
        out.writeBytes(RawWebSocket.frame(0x0, java.util.Arrays.copyOfRange(payload, cut, payload.length), true, true));
      } else if (fuzzer.random().nextInt(50) == 0) {
        out.writeBytes(RawWebSocket.frame(0x9, new byte[] {1, 2, 3}, true, true)); // a ping: a pong back
      } else {
        out.writeBytes(RawWebSocket.frame(0x1, payload, true, true));
      }
    }
    String sentinel = "sentinel-" + sentBefore;
    out.writeBytes(RawWebSocket.frame(0x1, ("{\"jsonrpc\":\"2.0\",\"id\":\"" + sentinel
        + "\",\"method\":\"echo\",\"params\":[\"" + sentinel + "\"]}").getBytes(StandardCharsets.UTF_8), true, true));
    ws.write(out.toByteArray());
    framesOnConnection += n;
    while (true) {
      RawWebSocket.Frame f = ws.readFrame();
      if (f.opcode() == 0x9 || f.opcode() == 0xA) {
        continue; // the server's ping, or the pong to ours
      }
      assertEquals(0x1, f.opcode(), "only text comes back, not a close: " + f);
      assertTrue(f.fin(), "whole messages");
      String text = f.text();
      if (text.contains("\"id\":\"" + sentinel + "\"")) {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"" + sentinel + "\",\"result\":\"" + sentinel + "\"}", text);
        break;
      }
      // Handlers run concurrently, so an answer may come after the sentinel's, with a later batch.
      answersOnConnection++;
      assertTrue(answersOnConnection <= framesOnConnection, "at most one answer per frame");
      checkResponse(text);
    }
  }

  /** A JSON-RPC response, or a batch of them, as the specification shapes it. */
  private void checkResponse(String text) {
    JsonElement json = JsonParser.parseString(text);
    if (json.isJsonArray()) {
      JsonArray a = json.getAsJsonArray();
      assertTrue(a.size() > 0, "no empty batch answer: " + text);
      for (JsonElement e : a) {
        checkObject(e, text);
      }
      count("batch answer");
    } else {
      checkObject(json, text);
    }
  }

  private void checkObject(JsonElement e, String text) {
    assertTrue(e.isJsonObject(), text);
    JsonObject o = e.getAsJsonObject();
    assertEquals(new JsonPrimitive("2.0"), o.get("jsonrpc"), text);
    assertTrue(o.has("id"), text);
    JsonElement id = o.get("id");
    assertTrue(id.isJsonNull() || id.isJsonPrimitive() && !id.getAsJsonPrimitive().isBoolean(), text);
    assertTrue(o.has("result") ^ o.has("error"), "result or error: " + text);
    if (o.has("error")) {
      JsonObject err = o.getAsJsonObject("error");
      int code = err.get("code").getAsJsonPrimitive().getAsInt();
      assertEquals(err.get("code").getAsString(), Integer.toString(code), "an integer code: " + text);
      assertTrue(err.get("message").getAsJsonPrimitive().isString(), text);
      assertTrue(!err.has("data") || !err.get("data").toString().contains("\tat "), "no stack trace: " + text);
      count("error " + code);
    } else {
      count("result");
    }
  }

  /** Reads until the server's close frame; returns its code. Other frames before it are skipped. */
  private static int awaitClose(RawWebSocket ws) throws IOException {
    while (true) {
      RawWebSocket.Frame f = ws.readFrame();
      if (f.opcode() == 0x8) {
        return f.closeCode();
      }
    }
  }
}
