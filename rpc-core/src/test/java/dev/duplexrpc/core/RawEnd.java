package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Transport;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One end of an {@link InMemoryTransport} pair driven by hand, whose other end runs a real {@link
 * Peer}: the test sends exact text frames and takes what the Peer sends, in order, from a queue.
 * Like OkHttp's {@code WebSocketRecorder}, every frame and the close are recorded as events in one
 * {@link BlockingQueue}; {@link #nextFrame()} and {@link #nextClose()} wait at most {@value
 * #TIMEOUT_SECONDS} seconds, and {@link #assertExhausted()} (run it in {@code @AfterEach}) fails
 * on anything left unread.
 *
 * <pre>{@code
 * RawEnd raw = RawEnd.connect(Peer.builder().service(new Calculator()));
 * raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":[2,3]}");
 * assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":5}", raw.nextFrame());
 * raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}");
 * raw.assertNothingSent();
 * }</pre>
 *
 * <h2>Proving that nothing was sent</h2>
 *
 * {@link #assertNothingSent()} sends a barrier: a request to the {@value #BARRIER_METHOD} method
 * that every Peer made here serves, with a unique id, and asserts that the next frame is exactly
 * its reply. The Peer reads messages one at a time on its transport's delivery thread and answers
 * parse errors, invalid requests, unknown methods, overload and limit errors synchronously on that
 * thread, before it reads the next message; the in-memory pair delivers frames in the order they
 * were sent. So any such answer to the messages sent before the barrier would arrive before the
 * barrier's reply. A handler's reply is produced on the executor and may overtake or trail the
 * barrier: tests wait for the handler with a latch first.
 */
final class RawEnd implements AutoCloseable {
  /** How long {@link #nextFrame()} and {@link #nextClose()} wait. */
  static final long TIMEOUT_SECONDS = 5;

  /** The wire name of the barrier method every Peer made by {@link #connect} serves. */
  static final String BARRIER_METHOD = "test.barrier";

  /** The close the raw end was told about. */
  record Closed(int code, String reason) {}

  /** The barrier service: echoes its token. */
  public interface BarrierService {
    /**
     * Echoes the token.
     *
     * @param token any string
     * @return the token
     */
    @RpcMethod(BARRIER_METHOD)
    String barrier(String token);
  }

  private static final AtomicInteger BARRIER_IDS = new AtomicInteger();

  private final InMemoryTransport transport;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private Peer peer;

  private RawEnd(InMemoryTransport transport) {
    this.transport = transport;
    transport.start(
        new Transport.Listener() {
          @Override
          public void onMessage(String message) {
            events.add(message);
          }

          @Override
          public void onClose(int code, String reason) {
            events.add(new Closed(code, reason));
          }
        });
  }

  /**
   * Connects a raw end to a Peer built from {@code builder}, which gets the barrier service added
   * and the other end of the pair as its transport.
   */
  static RawEnd connect(Peer.Builder builder) {
    return connect(builder, UnaryOperator.identity());
  }

  /**
   * Like {@link #connect(Peer.Builder)}, with the Peer's transport wrapped by {@code wrap} (to
   * observe or delay what the Peer sends).
   */
  static RawEnd connect(Peer.Builder builder, UnaryOperator<Transport> wrap) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    RawEnd raw = new RawEnd(pair.second());
    BarrierService barrier = token -> token;
    raw.peer = builder.service(barrier).transport(wrap.apply(pair.first())).build();
    return raw;
  }

  /** The Peer at the other end. */
  Peer peer() {
    return peer;
  }

  /** Sends one text frame to the Peer, exactly as given. */
  void send(String text) {
    Objects.requireNonNull(text, "text == null");
    CompletableFuture<Void> sent = transport.send(text).toCompletableFuture();
    try {
      sent.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("could not send " + text, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending", e);
    }
  }

  /** The next frame the Peer sent; fails if none comes in time or the transport closed instead. */
  String nextFrame() {
    Object event = nextEvent("a frame");
    if (event instanceof Closed c) {
      fail("expected a frame, but the transport closed: " + c);
    }
    return (String) event;
  }

  /** The next frame, parsed strictly. */
  JsonElement nextJson() {
    return WireJson.parse(nextFrame());
  }

  /** The close event; fails if a frame comes first or nothing comes in time. */
  Closed nextClose() {
    Object event = nextEvent("the close");
    if (event instanceof String frame) {
      fail("expected the close, but got the frame " + frame);
    }
    return (Closed) event;
  }

  /**
   * Asserts that the Peer sent nothing in answer to what was sent so far before reading the next
   * message, by sending a barrier request and requiring its reply to be the next frame. See the
   * class documentation for what this proves.
   */
  void assertNothingSent() {
    String token = "barrier-" + BARRIER_IDS.incrementAndGet();
    send("{\"jsonrpc\":\"2.0\",\"id\":\"" + token + "\",\"method\":\"" + BARRIER_METHOD
        + "\",\"params\":[\"" + token + "\"]}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"" + token + "\",\"result\":\"" + token + "\"}",
        nextFrame(),
        "expected only the barrier's reply: something else was sent first");
  }

  /** Fails if an event is recorded and not yet taken. */
  void assertExhausted() {
    assertNull(events.poll(), "unexpected event left unread");
  }

  /** Closes the Peer (and so the pair). */
  @Override
  public void close() {
    if (peer != null) {
      peer.close();
    }
  }

  private Object nextEvent(String what) {
    Object event;
    try {
      event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
    if (event == null) {
      fail("no event within " + TIMEOUT_SECONDS + " s; expected " + what);
    }
    return event;
  }
}
