package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import dev.duplexrpc.core.annotation.RpcService;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Seeded, reproducible fuzzing of everything a Peer does with an incoming message: parsing,
 * validation, dispatch, parameter binding, responses to its own calls, and the replies it writes.
 *
 * <p>Each message goes through a real {@link Peer} on a {@link DirectTransport}: the test thread
 * calls {@code onMessage} itself and the Peer runs handlers inline ({@code executor(Runnable::run)}),
 * so when {@code onMessage} returns every reply has been sent, and any exception escaping the Peer
 * fails the test. An oracle that reads the message independently of the Peer decides what the
 * reply must be; every reply frame must be strict JSON, well-formed UTF-16 and a valid JSON-RPC
 * 2.0 response, and must echo the id of the request it answers.
 *
 * <p>The run is deterministic for a seed. Override the seed and the number of messages with
 * {@code -Dfuzz.seed=<long>} and {@code -Dfuzz.count=<int>}; the seed is printed, and a failure
 * names the message index, its generator and its text.
 */
class ParserFuzzTest {
  private static final long DEFAULT_SEED = 20_250_601L;
  private static final int DEFAULT_COUNT = 100_000;

  /** The Peer's message size limit in this test: small enough to reach, big enough to stress. */
  static final int MAX_MESSAGE = 256 * 1024;
  private static final int MAX_DEPTH = PeerConfig.DEFAULT_MAX_NESTING_DEPTH;
  private static final int MAX_BATCH = PeerConfig.DEFAULT_MAX_BATCH_SIZE;
  /** Outgoing calls the fuzzed Peer keeps waiting, so that fuzzed responses can reach them. */
  private static final int PENDING_CALLS = 4;

  private static final Set<String> SERVED;

  static {
    Set<String> served = new HashSet<>(FuzzMessages.METHODS);
    served.add(FuzzMessages.NOTIFICATION);
    served.add("rpc.discover"); // built into every Peer, on by default
    SERVED = Collections.unmodifiableSet(served);
  }

  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern OWN_ID = Pattern.compile("[1-9][0-9]{0,17}");

  /** The message the Peer sends with each code it sends itself. */
  private static final Map<Integer, String> STANDARD_MESSAGES = Map.of(
      ErrorCodes.PARSE_ERROR, "Parse error",
      ErrorCodes.INVALID_REQUEST, "Invalid Request",
      ErrorCodes.METHOD_NOT_FOUND, "Method not found",
      ErrorCodes.INVALID_PARAMS, "Invalid params",
      ErrorCodes.INTERNAL_ERROR, "Internal error",
      ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded");

  /** The service the fuzzed Peer serves: several parameter types, positional or named. */
  @RpcService(prefix = "fuzz.")
  public interface FuzzService {
    @RpcMethod
    int add(int a, int b);

    @RpcMethod
    String greet(String name, Optional<String> greeting);

    @RpcMethod
    int sum(List<Integer> values);

    @RpcMethod
    Point move(Point p, int dx, @RpcParam(value = "dy", optional = true) int dy);

    @RpcMethod
    String echo(String text);

    @RpcMethod
    void reset();

    @RpcNotification
    void log(String line);
  }

  /** A record parameter and result. */
  public record Point(int x, int y) {}

  /** Handlers that never throw, so that an internal error always means a Peer bug. */
  public static final class FuzzServiceImpl implements FuzzService {
    final AtomicInteger lines = new AtomicInteger();

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public String greet(String name, Optional<String> greeting) {
      return greeting.orElse("Hello") + ", " + name + "!";
    }

    @Override
    public int sum(List<Integer> values) {
      int sum = 0;
      for (Integer v : values == null ? List.<Integer>of() : values) {
        if (v != null) {
          sum += v;
        }
      }
      return sum;
    }

    @Override
    public Point move(Point p, int dx, int dy) {
      return p == null ? null : new Point(p.x() + dx, p.y() + dy);
    }

    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public void reset() {}

    @Override
    public void log(String line) {
      lines.incrementAndGet();
    }
  }

  @Test
  void fuzzedMessagesGetValidRepliesAndThePeerKeepsWorking() {
    long seed = Long.decode(System.getProperty("fuzz.seed", Long.toString(DEFAULT_SEED)));
    int count = Integer.parseInt(System.getProperty("fuzz.count", Integer.toString(DEFAULT_COUNT)));
    System.out.println("ParserFuzzTest: seed=" + seed + " count=" + count
        + " (override with -Dfuzz.seed=<long> -Dfuzz.count=<int>)");
    Fuzzer fuzzer = new Fuzzer(seed, count);
    Duration budget = Duration.ofSeconds(60 + count / 1000);
    assertTimeoutPreemptively(budget, fuzzer::run,
        () -> "Still running after " + budget + " (a hang?) at " + fuzzer.where());
  }

  /**
   * A message of exactly {@code maxMessageSize} chars is served; one char more closes the
   * connection with 1009 without a reply, and fails the calls waiting for a response.
   */
  @Test
  void messageOverTheSizeLimitClosesWith1009() {
    DirectTransport transport = new DirectTransport();
    Peer peer = Peer.builder()
        .transport(transport)
        .service(new FuzzServiceImpl())
        .config(PeerConfig.builder().executor(Runnable::run).maxMessageSize(256).callTimeout(Duration.ZERO).build())
        .build();
    String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"fuzz.add\",\"params\":[2,3]}";
    String atLimit = call + " ".repeat(256 - call.length());
    assertEquals(List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":5}"), transport.deliver(atLimit));
    CompletableFuture<Integer> waiting = peer.call("client.fetch", Integer.class);
    assertEquals(1, transport.drain().size());

    assertEquals(List.of(), transport.deliver(atLimit + " "), "no reply to a message over the limit");
    assertEquals(List.of(1009), transport.closeCodes);
    assertFalse(peer.isOpen());
    assertEquals(1009, peer.closeFuture().join().closeCode());
    CompletionException failure = assertThrows(CompletionException.class, waiting::join);
    assertEquals(1009, assertInstanceOf(ConnectionClosedException.class, failure.getCause()).closeCode());
    assertEquals(List.of(), transport.deliver(call), "nothing is served after the close");
  }

  /** One fuzz run: the Peer, its transport, the statistics. */
  private static final class Fuzzer {
    private static final Type[] CALL_TYPES = {
      Integer.class, String.class, Point.class, new TypeToken<List<Integer>>() {}.getType(),
      Void.class, JsonElement.class,
    };

    private final long seed;
    private final int count;
    private final FuzzServiceImpl service = new FuzzServiceImpl();
    private final DirectTransport transport = new DirectTransport();
    private final FuzzMessages messages = new FuzzMessages(MAX_MESSAGE);
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<String, Integer> kinds = new TreeMap<>();
    private final Map<Long, Outgoing> outgoing = new LinkedHashMap<>();
    private final LogCapture log = new LogCapture();
    private Peer peer;
    private int callsIssued;
    private volatile int index = -1;
    private volatile FuzzMessages.Case current;

    Fuzzer(long seed, int count) {
      this.seed = seed;
      this.count = count;
    }

    record Outgoing(long id, Type type, CompletableFuture<Object> future) {}

    String where() {
      FuzzMessages.Case c = current;
      return "seed " + seed + ", message " + index + " (run it again with -Dfuzz.seed=" + seed
          + " -Dfuzz.count=" + (index + 1) + ")"
          + (c == null ? "" : "\n  " + c.kind() + ": " + JsonTree.show(c.text(), 2000));
    }

    void run() {
      Logger jul = Logger.getLogger("dev.duplexrpc.core");
      boolean useParent = jul.getUseParentHandlers();
      jul.addHandler(log);
      jul.setUseParentHandlers(false); // 100,000 hostile messages would flood the console
      try {
        peer = Peer.builder()
            .transport(transport)
            .service(service)
            .config(PeerConfig.builder().executor(Runnable::run).maxMessageSize(MAX_MESSAGE).callTimeout(Duration.ZERO).build())
            .build();
        long start = System.nanoTime();
        long cpuStart = cpuMillis();
        topUpOutgoing();
        for (index = 0; index < count; index++) {
          SplittableRandom random = new SplittableRandom(mix(seed, index));
          FuzzMessages.Case c = messages.next(random, pendingIds());
          current = c;
          kinds.merge(c.kind(), 1, Integer::sum);
          one(c);
          topUpOutgoing();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = cpuMillis() - cpuStart;
        index = count;
        current = null;
        afterTheRun();
        printSummary(millis, cpuMillis);
      } finally {
        jul.removeHandler(log);
        jul.setUseParentHandlers(useParent);
      }
      assertEquals(List.of(), log.thrown, "exceptions logged by the Peer");
      assertEquals(List.of(), log.loud, "the Peer logged above INFO: the other end could flood the log");
      for (String outcome : List.of("parse error", "invalid request", "method not found",
          "invalid params", "result", "limit exceeded", "no reply", "batch reply",
          "too large reply replaced",
          "answered call: value", "answered call: error")) {
        assertTrue(outcomes.getOrDefault(outcome, 0) > 0, "the fuzzer never produced: " + outcome);
      }
    }

    /** Sends one message and checks everything it caused. */
    private void one(FuzzMessages.Case c) {
      if (c.text().length() > MAX_MESSAGE) {
        throw fail("generated a message over the limit");
      }
      Expectation expected = Oracle.expect(c, outgoing.keySet());
      List<String> frames;
      try {
        frames = transport.deliver(c.text());
      } catch (RuntimeException | Error e) {
        throw fail("an exception escaped the Peer: " + e, e);
      }
      if (!transport.closeCodes.isEmpty() || !peer.isOpen()) {
        throw fail("the Peer closed the connection: " + transport.closeCodes);
      }
      checkReplies(expected, frames);
      checkOutgoing(expected);
    }

    private void checkReplies(Expectation expected, List<String> frames) {
      if (frames.size() > 1) {
        throw fail("more than one reply frame: " + show(frames));
      }
      if (expected.responses.isEmpty()) {
        if (!frames.isEmpty()) {
          throw fail("expected no reply, got " + show(frames));
        }
        outcomes.merge("no reply", 1, Integer::sum);
        return;
      }
      if (frames.isEmpty()) {
        throw fail("expected a reply, got none; expected " + expected.responses);
      }
      String frame = frames.get(0);
      if (frame.length() > MAX_MESSAGE) {
        throw fail("a reply of " + frame.length() + " chars is over the limit of " + MAX_MESSAGE
            + " (maxMessageSize bounds the messages a Peer sends, too): " + JsonTree.show(frame, 300));
      }
      if (!JsonTree.wellFormedUtf16(frame)) {
        throw fail("reply is not well-formed UTF-16 (a lone surrogate cannot be sent as UTF-8): "
            + JsonTree.show(frame, 2000));
      }
      JsonTree.Parsed parsed = JsonTree.parse(frame, false);
      if (!parsed.ok()) {
        throw fail("reply is not strict JSON (" + parsed.error() + "): " + JsonTree.show(frame, 2000));
      }
      List<Object> responses;
      if (parsed.value() instanceof List<?> list) {
        if (!expected.arrayReply) {
          throw fail("array reply to a message that is not a batch: " + JsonTree.show(frame, 2000));
        }
        if (list.isEmpty()) {
          throw fail("empty array reply");
        }
        responses = new ArrayList<>(list);
        outcomes.merge("batch reply", 1, Integer::sum);
      } else {
        responses = List.of(parsed.value());
        if (expected.arrayReply) {
          // Only when even -32003 errors in place of its largest responses do not fit.
          checkResponse(parsed.value(), frame);
          Map<?, ?> m = (Map<?, ?>) parsed.value();
          if (!expected.mayBeTooLarge || m.get("id") != JsonTree.NULL
              || !(m.get("error") instanceof Map<?, ?> e)
              || !Integer.valueOf(ErrorCodes.LIMIT_EXCEEDED).equals(Oracle.codeOf(e))) {
            throw fail("expected an array reply to the batch, got " + JsonTree.show(frame, 2000));
          }
          outcomes.merge("batch reply replaced", 1, Integer::sum);
          return;
        }
      }
      for (Object r : responses) {
        checkResponse(r, frame);
      }
      match(expected.responses, responses, frame);
    }

    /** A valid JSON-RPC 2.0 response object, with the documented error shapes. */
    private void checkResponse(Object response, String frame) {
      if (!(response instanceof Map<?, ?> m)) {
        throw fail("a response is not an object: " + JsonTree.show(frame, 2000));
      }
      Set<?> keys = m.keySet();
      boolean isResult = keys.equals(Set.of("jsonrpc", "id", "result"));
      if (!isResult && !keys.equals(Set.of("jsonrpc", "id", "error"))) {
        throw fail("a response must have jsonrpc, id and exactly one of result/error: "
            + JsonTree.show(frame, 2000));
      }
      if (!"2.0".equals(m.get("jsonrpc"))) {
        throw fail("jsonrpc is not \"2.0\": " + JsonTree.show(frame, 2000));
      }
      Object id = m.get("id");
      if (!(id instanceof String || id instanceof JsonTree.Num || id == JsonTree.NULL)) {
        throw fail("id is not a string, number or null: " + JsonTree.show(frame, 2000));
      }
      if (isResult) {
        outcomes.merge("result", 1, Integer::sum);
        return;
      }
      if (!(m.get("error") instanceof Map<?, ?> error)
          || !Set.of("code", "message", "data").containsAll(error.keySet())
          || !(error.get("code") instanceof JsonTree.Num code)
          || !INTEGER.matcher(code.literal()).matches()
          || code.literal().length() > 11
          || Long.parseLong(code.literal()) != (int) Long.parseLong(code.literal())
          || !(error.get("message") instanceof String)) {
        throw fail("error must be an object with an integer code and a string message: "
            + JsonTree.show(frame, 2000));
      }
      int c = Integer.parseInt(code.literal());
      Object data = error.get("data");
      String standard = STANDARD_MESSAGES.get(c);
      if (standard != null && !standard.equals(error.get("message"))) {
        throw fail("error " + c + " has the message \"" + standard + "\": " + JsonTree.show(frame, 2000));
      }
      switch (c) {
        case ErrorCodes.PARSE_ERROR:
          if (id != JsonTree.NULL || data != null) {
            throw fail("a parse error has id null and no data: " + JsonTree.show(frame, 2000));
          }
          break;
        case ErrorCodes.LIMIT_EXCEEDED:
          if (!(data instanceof Map<?, ?> d) || !(d.get("reason") instanceof String reason)) {
            throw fail("a -32003 error has data.reason: " + JsonTree.show(frame, 2000));
          }
          if (reason.contains("response is")) {
            outcomes.merge("too large reply replaced", 1, Integer::sum);
          }
          break;
        case ErrorCodes.INVALID_PARAMS:
          if (!(data instanceof Map<?, ?> d)
              || !(d.get("reason") instanceof String)
              || !(d.get("parameter") == null || d.get("parameter") instanceof String)) {
            throw fail("a -32602 error has data.reason and maybe data.parameter: "
                + JsonTree.show(frame, 2000));
          }
          break;
        default:
          break;
      }
      outcomes.merge(Oracle.outcomeName(c), 1, Integer::sum);
    }

    /**
     * Pairs responses with expectations one to one: greedily, the most specific expectation
     * first, and if that fails by a full bipartite matching (the greedy pairing is exact unless
     * the -32003 alternatives overlap).
     */
    private void match(List<Expect> expected, List<Object> responses, String frame) {
      if (expected.size() != responses.size()) {
        throw fail("expected " + expected.size() + " responses " + expected + ", got "
            + responses.size() + ": " + JsonTree.show(frame, 2000));
      }
      List<Map<String, Object>> actual = new ArrayList<>();
      for (Object r : responses) {
        @SuppressWarnings("unchecked")
        Map<String, Object> response = (Map<String, Object>) r;
        actual.add(response);
      }
      List<Expect> open = new ArrayList<>(expected);
      int mostSpecific = expected.stream().mapToInt(Expect::specificity).max().orElse(0);
      for (Map<String, Object> response : actual) {
        Expect best = null;
        for (Expect e : open) {
          if (e.accepts(response) && (best == null || e.specificity() > best.specificity())) {
            best = e;
            if (best.specificity() == mostSpecific) {
              break; // none can be more specific: a big batch stays linear
            }
          }
        }
        if (best == null) {
          if (matchesFully(expected, actual)) {
            return;
          }
          throw fail("unexpected response " + JsonTree.show(String.valueOf(response), 1000)
              + "; expected " + open + "; whole reply: " + JsonTree.show(frame, 2000));
        }
        open.remove(best);
      }
    }

    /** Kuhn's augmenting paths: whether every response can have its own expectation. */
    private static boolean matchesFully(List<Expect> expected, List<Map<String, Object>> actual) {
      int[] owner = new int[expected.size()];
      java.util.Arrays.fill(owner, -1);
      for (int r = 0; r < actual.size(); r++) {
        if (!augment(r, expected, actual, owner, new boolean[expected.size()])) {
          return false;
        }
      }
      return true;
    }

    private static boolean augment(int r, List<Expect> expected, List<Map<String, Object>> actual,
        int[] owner, boolean[] seen) {
      for (int e = 0; e < expected.size(); e++) {
        if (!seen[e] && expected.get(e).accepts(actual.get(r))) {
          seen[e] = true;
          if (owner[e] < 0 || augment(owner[e], expected, actual, owner, seen)) {
            owner[e] = r;
            return true;
          }
        }
      }
      return false;
    }

    /** The calls the message answered completed; the others still wait. */
    private void checkOutgoing(Expectation expected) {
      for (Outgoing o : new ArrayList<>(outgoing.values())) {
        boolean done = o.future().isDone();
        if (done != expected.completes.contains(o.id())) {
          throw fail("outgoing call " + o.id() + (done ? " completed" : " did not complete")
              + "; expected completions " + expected.completes);
        }
        if (!done) {
          continue;
        }
        outgoing.remove(o.id());
        try {
          Object value = o.future().join();
          checkValue(o, value);
          outcomes.merge("answered call: value", 1, Integer::sum);
        } catch (CompletionException e) {
          Throwable cause = e.getCause();
          if (!(cause instanceof RpcException)
              || cause instanceof ConnectionClosedException
              || cause instanceof RpcTimeoutException) {
            throw fail("outgoing call " + o.id() + " failed with " + cause, cause);
          }
          outcomes.merge("answered call: error", 1, Integer::sum);
        }
      }
    }

    private void checkValue(Outgoing o, Object value) {
      if (value == null) {
        return;
      }
      boolean ok;
      if (o.type() == Void.class) {
        ok = false;
      } else if (o.type() instanceof Class<?> c) {
        ok = c.isInstance(value);
      } else {
        ok = value instanceof List<?> list && list.stream().allMatch(v -> v == null || v instanceof Integer);
      }
      if (!ok) {
        throw fail("outgoing call " + o.id() + " of " + o.type().getTypeName() + " completed with "
            + value.getClass().getName() + ": " + value);
      }
    }

    /** Keeps {@link #PENDING_CALLS} outgoing calls waiting; checks each request the Peer sends. */
    private void topUpOutgoing() {
      while (outgoing.size() < PENDING_CALLS) {
        Type type = CALL_TYPES[callsIssued++ % CALL_TYPES.length];
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> f = (CompletableFuture<Object>) peer.call(Duration.ZERO, "client.fetch", TypeToken.get(type));
        List<String> frames = transport.drain();
        assertEquals(1, frames.size(), "one request frame per call");
        JsonTree.Parsed p = JsonTree.parse(frames.get(0), false);
        assertTrue(p.ok(), () -> "request is strict JSON: " + frames.get(0));
        Map<?, ?> request = assertInstanceOf(Map.class, p.value());
        assertEquals(Set.of("jsonrpc", "id", "method"), request.keySet(), frames.get(0));
        assertEquals("2.0", request.get("jsonrpc"));
        assertEquals("client.fetch", request.get("method"));
        JsonTree.Num id = assertInstanceOf(JsonTree.Num.class, request.get("id"));
        assertTrue(OWN_ID.matcher(id.literal()).matches(), id.literal());
        assertFalse(f.isDone(), "a call waits for its response");
        long n = Long.parseLong(id.literal());
        assertFalse(outgoing.containsKey(n), "ids are not reused");
        outgoing.put(n, new Outgoing(n, type, f));
      }
    }

    private long[] pendingIds() {
      return outgoing.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** The Peer still serves and calls normally after the run. */
    private void afterTheRun() {
      assertEquals(
          List.of("{\"jsonrpc\":\"2.0\",\"id\":\"after-fuzz\",\"result\":5}"),
          transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":\"after-fuzz\",\"method\":\"fuzz.add\",\"params\":[2,3]}"));
      int lines = service.lines.get();
      assertTrue(lines > 0, "fuzzed notifications reached the handler");
      assertEquals(List.of(), transport.deliver("{\"jsonrpc\":\"2.0\",\"method\":\"fuzz.log\",\"params\":[\"done\"]}"));
      assertEquals(lines + 1, service.lines.get(), "a notification after the run is handled");

      CompletableFuture<Integer> call = peer.call(Duration.ZERO, "client.fetch", Integer.class);
      List<String> frames = transport.drain();
      assertEquals(1, frames.size());
      Map<?, ?> request = (Map<?, ?>) JsonTree.parse(frames.get(0), false).value();
      Object id = request.get("id");
      assertEquals(List.of(), transport.deliver("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":42}"));
      assertEquals(42, call.join(), "a call made after the run gets its result");

      assertEquals(List.of(), transport.closeCodes, "the transport was never closed");
      assertTrue(peer.isOpen());
      assertEquals(0, transport.sendsFromOtherThreads.get(), "every frame was sent inline");
      assertEquals(outgoing.size(), peer.pendingCalls(), "pending calls");
      peer.close();
      assertEquals(List.of(1000), transport.closeCodes);
    }

    /** The CPU time of this JVM so far (GC and JIT included), which other load does not stretch. */
    private static long cpuMillis() {
      return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    private void printSummary(long millis, long cpuMillis) {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("ParserFuzzTest: seed=%d, %d messages in %.1f s (%d/s), %.1f s of process CPU%n",
          seed, count, millis / 1000.0, millis == 0 ? count : count * 1000L / millis, cpuMillis / 1000.0));
      sb.append("  outcomes: ").append(outcomes).append('\n');
      sb.append("  messages by generator: ").append(kinds).append('\n');
      sb.append("  Peer log records by level (not printed): ").append(log.counts);
      System.out.println(sb);
    }

    private AssertionFailedError fail(String message) {
      return fail(message, null);
    }

    private AssertionFailedError fail(String message, Throwable cause) {
      return new AssertionFailedError(message + "\n  at " + where(), cause);
    }

    private static String show(List<String> frames) {
      List<String> out = new ArrayList<>();
      for (String f : frames) {
        out.add(JsonTree.show(f, 1000));
      }
      return out.toString();
    }
  }

  /** Stafford's mix13 of seed and index: an independent random stream per message. */
  static long mix(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // -----------------------------------------------------------------------------------------------
  // The oracle

  /** What one message must get. */
  static final class Expectation {
    /** The responses the reply must hold; empty: no reply at all. */
    final List<Expect> responses = new ArrayList<>();
    /** Whether the reply must be an array (a batch). */
    boolean arrayReply;
    /**
     * Whether the message is big enough that its reply may be too large to send: then each
     * response may be a -32003 error, and a batch reply may be a single -32003 error with id null.
     */
    boolean mayBeTooLarge;
    /** The outgoing calls this message answers. */
    final Set<Long> completes = new HashSet<>();
  }

  /**
   * One response a reply must hold.
   *
   * @param id the id it must carry (a {@code String}, {@link JsonTree.Num} or {@link JsonTree#NULL})
   * @param codes the acceptable outcomes: 0 for a result, else error codes
   * @param result the exact result, when {@code exact}
   * @param exact whether the result is known exactly
   * @param tooLargeOk whether the message is big enough that its reply may be too large to send,
   *     so that this response may be replaced by -32003 (with id null where its id is long)
   */
  record Expect(Object id, Set<Integer> codes, Object result, boolean exact, boolean tooLargeOk) {
    Expect(Object id, Set<Integer> codes, Object result, boolean exact) {
      this(id, codes, result, exact, false);
    }

    Expect allowingTooLarge() {
      return new Expect(id, codes, result, exact, true);
    }

    boolean accepts(Map<String, Object> response) {
      Object actualId = response.get("id");
      int outcome = response.containsKey("result") ? 0 : Oracle.code(response);
      if (tooLargeOk && outcome == ErrorCodes.LIMIT_EXCEEDED
          && (id.equals(actualId) || actualId == JsonTree.NULL)) {
        return true;
      }
      return id.equals(actualId)
          && codes.contains(outcome)
          && (!exact || result.equals(response.get("result")));
    }

    int specificity() {
      return exact ? 3 : codes.size() == 1 ? 2 : 1;
    }

    @Override
    public String toString() {
      return "{id " + JsonTree.show(String.valueOf(id), 100) + ": "
          + (exact ? "result " + JsonTree.show(String.valueOf(result), 200) : codes)
          + (tooLargeOk ? " or -32003" : "") + "}";
    }
  }

  /**
   * Decides from the JSON-RPC 2.0 specification and the documented behaviour, reading the message
   * with its own parser, what the Peer must answer.
   */
  static final class Oracle {
    private Oracle() {}

    static Expectation expect(FuzzMessages.Case c, Set<Long> pendingIds) {
      Expectation out = new Expectation();
      // Read up to the nesting limit only: a message nested deeper gets -32003 whether or not
      // it turns out malformed further on (the Peer's single pass stops at the first container
      // over the limit).
      JsonTree.Parsed parsed = JsonTree.parse(c.text(), true, MAX_DEPTH);
      if (!parsed.ok()) {
        out.responses.add(error(JsonTree.NULL,
            parsed.maxDepth() > MAX_DEPTH ? ErrorCodes.LIMIT_EXCEEDED : ErrorCodes.PARSE_ERROR));
        checkNoHints(c, parsed.error());
        return out;
      }
      // A batch over the batch limit gets -32003 only if the whole text is JSON.
      Object value = parsed.value();
      if (value instanceof List<?> l && l.size() > MAX_BATCH) {
        out.responses.add(error(JsonTree.NULL, ErrorCodes.LIMIT_EXCEEDED));
        checkNoHints(c, "over a limit");
        return out;
      }
      Set<Long> pending = new HashSet<>(pendingIds);
      // A reply is at most six times longer than the message (every char escaped as six chars)
      // plus a bounded envelope per response; below the limit it is never too large to send.
      int items = value instanceof List<?> l ? l.size() : 1;
      boolean mayBeTooLarge = 6L * c.text().length() + 300L * (items + 1) > MAX_MESSAGE;
      out.mayBeTooLarge = mayBeTooLarge;
      if (value instanceof List<?> list) {
        if (list.isEmpty()) {
          out.responses.add(error(JsonTree.NULL, ErrorCodes.INVALID_REQUEST));
          return out;
        }
        out.arrayReply = true;
        for (int i = 0; i < list.size(); i++) {
          FuzzMessages.Hint hint = c.hints() == null ? null : c.hints().get(i);
          add(out, item(list.get(i), hint, pending, out, c), mayBeTooLarge);
        }
        return out;
      }
      FuzzMessages.Hint hint = c.hints() == null ? null : c.hints().get(0);
      add(out, item(value, hint, pending, out, c), mayBeTooLarge);
      return out;
    }

    private static void add(Expectation out, Expect e, boolean mayBeTooLarge) {
      if (e != null) {
        out.responses.add(mayBeTooLarge ? e.allowingTooLarge() : e);
      }
    }

    private static Expect item(
        Object v, FuzzMessages.Hint hint, Set<Long> pending, Expectation out, FuzzMessages.Case c) {
      Expect e = itemWithoutHint(v, pending, out);
      if (hint == null) {
        return e;
      }
      // A hint is given only for a call to a served method; anything else is a generator bug.
      if (e == null || !e.codes().equals(Set.of(0, ErrorCodes.INVALID_PARAMS))) {
        throw new AssertionFailedError("generator and oracle disagree about " + JsonTree.show(c.text(), 500));
      }
      return hint.code() == 0
          ? new Expect(e.id(), Set.of(0), hint.result(), true)
          : error(e.id(), hint.code());
    }

    private static Expect itemWithoutHint(Object v, Set<Long> pending, Expectation out) {
      if (!(v instanceof Map<?, ?> m)) {
        return error(JsonTree.NULL, ErrorCodes.INVALID_REQUEST);
      }
      boolean hasMethod = m.containsKey("method");
      if (!hasMethod && (m.containsKey("result") || m.containsKey("error"))) {
        // A response: never answered. It completes one of our calls if its id is one of ours.
        if (m.get("id") instanceof JsonTree.Num n && OWN_ID.matcher(n.literal()).matches()) {
          long own = Long.parseLong(n.literal());
          if (pending.remove(own)) {
            out.completes.add(own);
          }
        }
        return null;
      }
      boolean hasId = m.containsKey("id");
      if (!hasMethod && !hasId && m.get("notification") instanceof String) {
        // rpc-websockets' event form: a notification of that name, never answered (dropped if its
        // params are not an array or an object).
        return null;
      }
      Object id = m.get("id");
      if (hasId && !(id instanceof String || id instanceof JsonTree.Num || id == JsonTree.NULL)) {
        return error(JsonTree.NULL, ErrorCodes.INVALID_REQUEST);
      }
      Object replyId = hasId ? id : JsonTree.NULL;
      if (!hasMethod && hasId && "2.0".equals(m.get("jsonrpc")) && !m.containsKey("params")
          && !m.containsKey("notification") && id instanceof JsonTree.Num n
          && OWN_ID.matcher(n.literal()).matches() && pending.remove(Long.parseLong(n.literal()))) {
        // No method, result or error, and the id of one of our calls: completes it with null
        // (what rpc-websockets servers send for a handler returning undefined), never answered.
        out.completes.add(Long.parseLong(n.literal()));
        return null;
      }
      Object params = m.get("params");
      // "params": null is invalid, like any params that are not an array or an object.
      boolean paramsOk = !m.containsKey("params") || params instanceof List || params instanceof Map;
      if (!"2.0".equals(m.get("jsonrpc")) || !(m.get("method") instanceof String method) || !paramsOk) {
        return error(replyId, ErrorCodes.INVALID_REQUEST);
      }
      if (!hasId) {
        // A notification: never answered, not even with an error. rpc.cancel and
        // $/cancelRequest are consumed by the Peer; with nothing running, they change nothing.
        return null;
      }
      if (!SERVED.contains(method)) {
        return error(id, ErrorCodes.METHOD_NOT_FOUND);
      }
      return new Expect(id, Set.of(0, ErrorCodes.INVALID_PARAMS), null, false);
    }

    private static void checkNoHints(FuzzMessages.Case c, String why) {
      if (c.hints() != null && c.hints().stream().anyMatch(Objects::nonNull)) {
        throw new AssertionFailedError("generator hinted a message the oracle rejects (" + why
            + "): " + JsonTree.show(c.text(), 500));
      }
    }

    static Expect error(Object id, int code) {
      return new Expect(id, Set.of(code), null, false);
    }

    static Integer codeOf(Map<?, ?> error) {
      return error.get("code") instanceof JsonTree.Num n ? Integer.valueOf(n.literal()) : null;
    }

    static int code(Map<String, Object> response) {
      @SuppressWarnings("unchecked")
      Map<String, Object> error = (Map<String, Object>) response.get("error");
      return Integer.parseInt(((JsonTree.Num) error.get("code")).literal());
    }

    static String outcomeName(int code) {
      switch (code) {
        case ErrorCodes.PARSE_ERROR:
          return "parse error";
        case ErrorCodes.INVALID_REQUEST:
          return "invalid request";
        case ErrorCodes.METHOD_NOT_FOUND:
          return "method not found";
        case ErrorCodes.INVALID_PARAMS:
          return "invalid params";
        case ErrorCodes.LIMIT_EXCEEDED:
          return "limit exceeded";
        default:
          return "error " + code;
      }
    }
  }

  /** Takes the Peer's log records off the console, counts them, keeps exceptions and WARNINGs. */
  static final class LogCapture extends Handler {
    final Map<String, Integer> counts = new TreeMap<>();
    final List<String> thrown = new ArrayList<>();
    final List<String> loud = new ArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public synchronized void publish(LogRecord record) {
      String text = formatter.format(record); // formats the arguments, as a console would
      counts.merge(record.getLevel().getName(), 1, Integer::sum);
      if (record.getThrown() != null) {
        thrown.add(JsonTree.show(text, 2000));
      }
      if (record.getLevel().intValue() > Level.INFO.intValue() && loud.size() < 10) {
        loud.add(JsonTree.show(text, 500));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
