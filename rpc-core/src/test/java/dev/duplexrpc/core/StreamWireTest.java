package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.CountingPublisher;
import dev.duplexrpc.testing.IntegerSum;
import dev.duplexrpc.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream messages as a foreign peer sees them, frame by frame (docs/wire.md#streams): the
 * test end writes and reads exact text, the other end is a Peer.
 */
class StreamWireTest {

  /** A stream result, a failing one, and a stream argument. */
  public interface Numbers {
    @RpcMethod
    Flow.Publisher<Integer> count(int n);

    @RpcMethod
    Flow.Publisher<Integer> failAfter(int n);

    @RpcMethod
    CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers);

    @RpcMethod
    String index(String path, Progress workDoneToken);
  }

  static final class NumbersImpl implements Numbers {
    final BlockingQueue<CountingPublisher> counts = new LinkedBlockingQueue<>();

    @Override
    public Flow.Publisher<Integer> count(int n) {
      CountingPublisher p = CountingPublisher.of(n);
      counts.add(p);
      return p;
    }

    @Override
    public Flow.Publisher<Integer> failAfter(int n) {
      return CountingPublisher.failingAfter(n,
          () -> new RpcException(-32050, "Ran dry", java.util.Map.of("at", n)));
    }

    @Override
    public String index(String path, Progress progress) {
      progress.begin("Indexing", path, 0);
      progress.report(null, 50);
      progress.end("done");
      return "indexed " + path;
    }

    @Override
    public CompletableFuture<Long> sum(Flow.Publisher<Integer> numbers) {
      return IntegerSum.of(numbers);
    }
  }

  private final NumbersImpl impl = new NumbersImpl();
  private RawEnd raw;

  @BeforeEach
  void connect() {
    raw = RawEnd.connect(Peer.builder().service(impl));
  }

  @AfterEach
  void close() {
    raw.assertExhausted();
    raw.close();
  }

  @Test
  void streamResultIsAnsweredWithItsIdAndSendsNoMoreThanTheCredit() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[3]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"stream\":\"1\"}}", raw.nextFrame());
    raw.assertNothingSent(); // no item before credit
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":2}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\",\"params\":{\"stream\":\"1\",\"items\":[0,1]}}",
        raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":5}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\",\"params\":{\"stream\":\"1\",\"items\":[2]}}",
        raw.nextFrame());
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.end\",\"params\":{\"stream\":\"1\"}}",
        raw.nextFrame());
    assertEquals(0, raw.peer().openStreams());
  }

  @Test
  void failedStreamEndsWithTheErrorObject() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"failAfter\",\"params\":[1]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{\"stream\":\"1\"}}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":10}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\",\"params\":{\"stream\":\"1\",\"items\":[0]}}",
        raw.nextFrame());
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.end\",\"params\":{\"stream\":\"1\","
        + "\"error\":{\"code\":-32050,\"message\":\"Ran dry\",\"data\":{\"at\":1}}}}", raw.nextFrame());
  }

  @Test
  void cancelStopsTheStreamWithoutAnEnd() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[1000]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"stream\":\"1\"}}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.cancel\",\"params\":{\"stream\":\"1\"}}");
    raw.assertNothingSent();
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":5}}");
    raw.assertNothingSent(); // an unknown stream's messages are dropped
    assertEquals(0, raw.peer().openStreams());
  }

  @Test
  void streamResultNobodyAsksForIsCancelledAfterTheCallTimeout() throws Exception {
    try (RawEnd quick = RawEnd.connect(Peer.builder().service(impl)
        .config(PeerConfig.builder().callTimeout(Duration.ofMillis(200)).build()))) {
      quick.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[3]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"stream\":\"1\"}}", quick.nextFrame());
      impl.counts.poll(5, TimeUnit.SECONDS).cancelled().get(5, TimeUnit.SECONDS); // after 200 ms
      assertEquals(0, quick.peer().openStreams());
      quick.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":5}}");
      quick.assertNothingSent(); // too late: the stream is gone
      quick.assertExhausted();
    }
  }

  @Test
  void producerWaitsForTheSocketWhateverCreditAForeignConsumerGrants() throws Exception {
    List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    AtomicLong heldItems = new AtomicLong();
    AtomicLong heldChars = new AtomicLong();
    UnaryOperator<Transport> slowSocket = t -> new Transport() { // writes nothing "to the network"
      @Override
      public void start(Listener listener) {
        t.start(listener);
      }

      @Override
      public CompletionStage<Void> send(String message) {
        CompletionStage<Void> delivered = t.send(message);
        if (!message.contains("rpc.stream.next")) {
          return delivered;
        }
        heldChars.addAndGet(message.length());
        heldItems.addAndGet(message.split(",").length - 1); // "stream", then items after commas
        CompletableFuture<Void> written = new CompletableFuture<>();
        held.add(written);
        return written;
      }

      @Override
      public void close(int code, String reason) {
        t.close(code, reason);
      }
    };
    int maxMessageSize = 4096;
    try (RawEnd slow = RawEnd.connect(Peer.builder().service(impl)
        .config(PeerConfig.builder().maxMessageSize(maxMessageSize).build()), slowSocket)) {
      slow.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"count\",\"params\":[2000000000]}");
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"stream\":\"1\"}}", slow.nextFrame());
      CountingPublisher publisher = impl.counts.poll(5, TimeUnit.SECONDS);
      slow.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"1\",\"n\":1000000000}}");
      String first = slow.nextFrame(); // items flow until the unwritten ones reach the budget
      assertTrue(first.startsWith("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\""), first);
      slow.send("{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"" + RawEnd.BARRIER_METHOD + "\",\"params\":[\"b\"]}");
      String frame;
      do { // the messages sent so far, then the barrier's reply
        frame = slow.nextFrame();
      } while (frame.contains("rpc.stream.next"));
      assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":\"b\"}", frame);
      // Whatever the credit, the producer hands the transport no more than its budget (the
      // message size limit, plus the message that crossed it) until those are written, and asks
      // the publisher for at most a window beyond what it sent.
      assertTrue(heldChars.get() <= 2L * maxMessageSize, heldChars + " characters unwritten");
      assertTrue(publisher.emitted() <= heldItems.get() + StreamSettings.DEFAULT_WINDOW,
          publisher.emitted() + " emitted, " + heldItems + " sent");
      int before = held.size();
      held.forEach(f -> f.complete(null)); // the socket catches up: the stream goes on
      while (held.size() == before) {
        assertTrue(slow.nextFrame().contains("rpc.stream.next"));
      }
      slow.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.cancel\",\"params\":{\"stream\":\"1\"}}");
      publisher.cancelled().get(5, TimeUnit.SECONDS);
      slow.peer().close();
    }
  }

  @Test
  void streamArgumentIsAskedForWithTheWindowAndConsumed() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sum\",\"params\":[{\"stream\":\"s1\"}]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.request\",\"params\":{\"stream\":\"s1\",\"n\":"
        + StreamSettings.DEFAULT_WINDOW + "}}", raw.nextFrame());
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\",\"params\":{\"stream\":\"s1\",\"items\":[1,2]}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.next\",\"params\":{\"stream\":\"s1\",\"items\":[3]}}");
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.stream.end\",\"params\":{\"stream\":\"s1\"}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":6}", raw.nextFrame());
  }

  @Test
  void progressIsSentAsLspProgressNotificationsBeforeTheResult() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"index\",\"params\":{\"path\":\"/src\",\"workDoneToken\":42}}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":42,\"value\":"
        + "{\"kind\":\"begin\",\"title\":\"Indexing\",\"message\":\"/src\",\"percentage\":0}}}", raw.nextFrame());
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":42,\"value\":"
        + "{\"kind\":\"report\",\"percentage\":50}}}", raw.nextFrame());
    assertEquals("{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":42,\"value\":"
        + "{\"kind\":\"end\",\"message\":\"done\"}}}", raw.nextFrame());
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"indexed /src\"}", raw.nextFrame());
  }

  @Test
  void withoutAProgressTokenNoProgressIsSent() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"index\",\"params\":[\"/src\"]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":\"indexed /src\"}", raw.nextFrame());
  }

  @Test
  void streamArgumentThatIsNotATokenGetsMinus32602() {
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"sum\",\"params\":[[1,2,3]]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32602,\"message\":\"Invalid params\","
        + "\"data\":{\"parameter\":\"numbers\",\"reason\":\"expected a stream: {\\\"stream\\\": \\\"<id>\\\"}\"}}}",
        raw.nextFrame());
  }
}
