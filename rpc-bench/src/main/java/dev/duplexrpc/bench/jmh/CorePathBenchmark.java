package dev.duplexrpc.bench.jmh;

import dev.duplexrpc.bench.servers.BenchService;
import dev.duplexrpc.bench.servers.LspTarget;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.RpcInterceptor;
import dev.duplexrpc.core.transport.Transport;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.RemoteEndpoint;
import org.eclipse.lsp4j.jsonrpc.json.MessageJsonHandler;
import org.eclipse.lsp4j.jsonrpc.services.ServiceEndpoints;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's per-message path, one request in and its response out on the benchmark's thread:
 * parse → dispatch → invoke → serialize, with a transport that only keeps the last frame sent and
 * a direct executor (no thread hand-off). Next to it, LSP4J's {@code MessageJsonHandler} and
 * {@code RemoteEndpoint} on the same messages and service. Run with {@code -prof gc} for
 * allocation per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CorePathBenchmark {
  /** {@code subtract} (a 60-byte request) or {@code echo} of this many characters. */
  @Param({"0", "1024"})
  public int payload;

  /**
   * How many no-op {@link RpcInterceptor}s both Duplex RPC Peers run ({@code -p interceptors=0}
   * for the bare path): the cost of the chain itself, which LSP4J does not pay.
   */
  @Param({"0", "1"})
  public int interceptors;

  private String request;
  private LastFrame transport;
  private Peer peer;
  private Peer caller;
  private BenchService.Client callerProxy;
  private MessageJsonHandler lspHandler;
  private RemoteEndpoint lspEndpoint;
  private String lspLast;
  private RemoteEndpoint lspCaller;
  private LspTarget.Service lspProxy;

  /** A transport whose other end answers every request at once with {@code 19}. */
  static final class Answering implements Transport {
    private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);
    Listener listener;

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public CompletionStage<Void> send(String message) {
      int i = message.indexOf("\"id\":") + 5;
      int end = message.indexOf(',', i);
      listener.onMessage("{\"jsonrpc\":\"2.0\",\"id\":" + message.substring(i, end) + ",\"result\":19}");
      return SENT;
    }

    @Override
    public void close(int code, String reason) {}
  }

  /** A transport that keeps the last frame sent. */
  static final class LastFrame implements Transport {
    private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);
    Listener listener;
    String last;

    @Override
    public void start(Listener listener) {
      this.listener = listener;
    }

    @Override
    public CompletionStage<Void> send(String message) {
      last = message;
      return SENT;
    }

    @Override
    public void close(int code, String reason) {}
  }

  /** Builds both engines. */
  @Setup(Level.Trial)
  public void setUp() {
    if (payload == 0) {
      request = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"subtract\",\"params\":[42,23]}";
    } else {
      char[] text = new char[payload];
      Arrays.fill(text, 'x');
      request = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":[\"" + new String(text) + "\"]}";
    }
    transport = new LastFrame();
    PeerConfig.Builder config = PeerConfig.builder().executor(Runnable::run);
    for (int i = 0; i < interceptors; i++) {
      config.interceptor(call -> null);
    }
    peer = Peer.builder().transport(transport).service(new BenchService.Impl()).config(config.build()).build();
    caller = Peer.builder().transport(new Answering())
        .config(config.callTimeout(java.time.Duration.ZERO).build()).build();
    callerProxy = caller.remote(BenchService.Client.class);
    lspHandler = new MessageJsonHandler(ServiceEndpoints.getSupportedMethods(LspTarget.Service.class));
    lspEndpoint = new RemoteEndpoint(message -> lspLast = lspHandler.serialize(message),
        ServiceEndpoints.toEndpoint(new LspTarget.Impl()));
    // LSP4J's calling side, as duplexCall: its proxy, its request serialized, the answer parsed.
    MessageJsonHandler callerHandler =
        new MessageJsonHandler(ServiceEndpoints.getSupportedMethods(LspTarget.Service.class));
    lspCaller = new RemoteEndpoint(message -> {
      String text = callerHandler.serialize(message);
      int i = text.indexOf("\"id\":") + 5;
      int end = text.indexOf(',', i);
      lspCaller.consume(callerHandler.parseMessage(
          "{\"jsonrpc\":\"2.0\",\"id\":" + text.substring(i, end) + ",\"result\":19}"));
    }, ServiceEndpoints.toEndpoint(new Object()));
    callerHandler.setMethodProvider(lspCaller);
    lspProxy = ServiceEndpoints.toServiceObject(lspCaller, LspTarget.Service.class);
    if (lsp4jCall() != 19 || duplexCall() != 19) {
      throw new IllegalStateException("unexpected results of the calling side");
    }
    String d = duplex();
    String l = lsp4j();
    if (!d.contains("\"id\":7") || !l.contains("\"id\":7") || d.contains("error") || l.contains("error")) {
      throw new IllegalStateException("unexpected replies: " + d + " / " + l);
    }
  }

  /** Closes the Peer. */
  @TearDown(Level.Trial)
  public void tearDown() {
    peer.close();
    caller.close();
  }

  /**
   * The calling side: a typed async proxy call of {@code subtract}, its request written, the
   * response parsed and its result converted (the other end answers at once, on this thread).
   */
  @Benchmark
  public Integer duplexCall() {
    return callerProxy.subtract(42, 23).join();
  }

  /** LSP4J's calling side: its proxy's {@code subtract}, as {@link #duplexCall()}. */
  @Benchmark
  public Integer lsp4jCall() {
    return lspProxy.subtract(42, 23).join();
  }

  /** This library's Peer. */
  @Benchmark
  public String duplex() {
    transport.listener.onMessage(request);
    return transport.last;
  }

  /** LSP4J's JSON-RPC. */
  @Benchmark
  public String lsp4j() {
    lspEndpoint.consume(lspHandler.parseMessage(request));
    return lspLast;
  }
}
