package dev.duplexrpc.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An independent WebSocket peer: the JDK's {@code java.net.http.WebSocket}, sending hand-written
 * frames and recording what comes back. Text arriving in parts is put together until {@code
 * last}. Every wait has a timeout.
 */
public final class JdkWebSocketClient implements AutoCloseable {
  /** How long any single wait for an event lasts. */
  public static final long WAIT_SECONDS = 10;

  /** A close the server sent. */
  public record Close(int code, String reason) {}

  private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
  private final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private JdkWebSocketClient(URI uri, HttpClient http, String... subprotocols) throws Exception {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS));
    if (subprotocols.length > 0) {
      builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    this.socket = builder.buildAsync(uri, new Recorder()).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Connects, offering WebSocket subprotocols in the handshake's {@code Sec-WebSocket-Protocol}.
   *
   * @param uri the server
   * @param subprotocols what to offer, in order; at least one
   * @return the open client; {@link #subprotocol()} says what the server selected
   * @throws Exception if the handshake fails within the wait
   */
  public static JdkWebSocketClient connect(URI uri, String... subprotocols) throws Exception {
    return new JdkWebSocketClient(uri, newHttpClient(), subprotocols);
  }

  /**
   * The subprotocol the server selected.
   *
   * @return the selected subprotocol, or the empty string for none
   */
  public String subprotocol() {
    return socket.getSubprotocol();
  }

  /**
   * Connects.
   *
   * @param uri the server
   * @return the open client
   * @throws Exception if the handshake fails within the wait
   */
  public static JdkWebSocketClient connect(URI uri) throws Exception {
    return new JdkWebSocketClient(uri, newHttpClient());
  }

  /**
   * Connects through a shared HTTP client (one selector thread for many sockets).
   *
   * @param uri the server
   * @param http the client, from {@link #newHttpClient()}
   * @return the open client
   * @throws Exception if the handshake fails within the wait
   */
  public static JdkWebSocketClient connect(URI uri, HttpClient http) throws Exception {
    return new JdkWebSocketClient(uri, http);
  }

  /**
   * A new HTTP client with the connect timeout of this class.
   *
   * @return the client
   */
  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS)).build();
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
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      pongs.add(message);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  /** Sends one whole text message and waits until it is written. */
  public void send(String text) throws Exception {
    socket.sendText(text, true).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Starts sending one whole text message without waiting: for a message the server may refuse
   * (and close on) before it is fully written.
   */
  public CompletableFuture<WebSocket> sendWithoutWaiting(String text) {
    return socket.sendText(text, true).toCompletableFuture();
  }

  /** Sends one part of a fragmented text message. */
  public void sendPart(String text, boolean last) throws Exception {
    socket.sendText(text, last).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Sends a binary message. */
  public void sendBinary(byte[] data) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(data), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Sends a ping. */
  public void ping(byte[] data) throws Exception {
    socket.sendPing(ByteBuffer.wrap(data)).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The next text message, or an AssertionError if none comes within the wait. */
  public String next() throws InterruptedException {
    String t = texts.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("no message within " + WAIT_SECONDS + " s");
    }
    return t;
  }

  /** The next pong's payload, or an AssertionError if none comes within the wait. */
  public ByteBuffer nextPong() throws InterruptedException {
    ByteBuffer b = pongs.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (b == null) {
      throw new AssertionError("no pong within " + WAIT_SECONDS + " s");
    }
    return b;
  }

  /** The close the server sent, waiting for it. */
  public Close awaitClose() throws Exception {
    return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Whether the server closed the connection (or it failed). */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Messages received and not yet taken. */
  public int pending() {
    return texts.size();
  }

  @Override
  public void close() {
    socket.abort();
  }
}
