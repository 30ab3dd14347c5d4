package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.CountingPublisher;
import java.time.Duration;
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
      CompletableFuture<Long> total = new CompletableFuture<>();
      numbers.subscribe(new Flow.Subscriber<Integer>() {
        long sum;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Integer item) {
          sum += item;
        }

        @Override
        public void onError(Throwable t) {
          total.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          total.complete(sum);
        }
      });
      return total;
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
