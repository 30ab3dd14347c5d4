package dev.duplexrpc.spring.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client with request headers (credentials, Origin), sending hand-written frames:
 * the independent peer of these tests. Every wait lasts at most {@link #WAIT_SECONDS}.
 */
final class FrameClient implements AutoCloseable {
  static final long WAIT_SECONDS = 10;

  private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final WebSocket socket;

  private FrameClient(URI uri, Map<String, String> headers) throws Exception {
    WebSocket.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS)).build()
        .newWebSocketBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS));
    headers.forEach(b::header);
    this.socket = b.buildAsync(uri, new Recorder()).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  static FrameClient connect(URI uri, Map<String, String> headers) throws Exception {
    return new FrameClient(uri, headers);
  }

  /** The HTTP status of a refused upgrade; fails if the upgrade succeeds. */
  static int refusedStatus(URI uri, Map<String, String> headers) throws Exception {
    try (FrameClient c = new FrameClient(uri, headers)) {
      throw new AssertionError("the upgrade was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  void send(String text) throws Exception {
    socket.sendText(text, true).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  String next() throws InterruptedException {
    String t = texts.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("no message within " + WAIT_SECONDS + " s");
    }
    return t;
  }

  int awaitCloseCode() throws Exception {
    return closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Recorder implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
