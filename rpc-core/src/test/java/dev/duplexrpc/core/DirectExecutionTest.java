package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.DirectExecution;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The opt-in direct mode: a handler marked {@link DirectExecution} (or every handler, with {@code
 * PeerConfig.Builder.directExecution}) runs on the thread that decoded its message; a blocking
 * call to the peer from it fails at once with -32008; without it nothing changes.
 */
class DirectExecutionTest {
  /** The server end's decoding thread: the in-memory transport's delivery thread of "first". */
  private static final String DECODING_THREAD = "duplex-inmemory-first-";
  /** Long enough that a call-back waiting for its timeout could never pass for a fast failure. */
  private static final Duration NEVER = Duration.ofMinutes(10);

  /** What the server serves. */
  public interface Probe {
    @DirectExecution
    @RpcMethod
    String directThread();

    @RpcMethod
    String pooledThread();

    /** Makes a blocking proxy call back to the caller. */
    @DirectExecution
    @RpcMethod
    String blockingCallBack(CallContext call);

    /** Waits on the future of {@code Peer.call}. */
    @DirectExecution
    @RpcMethod
    String getOnCallBack(CallContext call) throws Exception;

    /** Composes an asynchronous call back: allowed in direct mode. */
    @DirectExecution
    @RpcMethod
    CompletableFuture<String> asyncCallBack(CallContext call);

    /** A blocking call back without direct mode: works, as before. */
    @RpcMethod
    String pooledCallBack(CallContext call);

    @DirectExecution
    @RpcNotification
    void directNote(int n);

    @RpcNotification
    void pooledNote(int n);
  }

  /** Every method of a type marked {@link DirectExecution} is direct. */
  @DirectExecution
  public interface DirectType {
    @RpcMethod
    String where();
  }

  /** What the client serves: its name, for call-backs. */
  public interface Caller {
    @RpcMethod
    String name();
  }

  private final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
  private final List<Peer> peers = new ArrayList<>();

  private final class ProbeImpl implements Probe, DirectType {
    @Override
    public String directThread() {
      return Thread.currentThread().getName();
    }

    @Override
    public String pooledThread() {
      return Thread.currentThread().getName();
    }

    @Override
    public String blockingCallBack(CallContext call) {
      return call.peer().remote(Caller.class).name();
    }

    @Override
    public String getOnCallBack(CallContext call) throws Exception {
      return call.peer().call("name", String.class).get();
    }

    @Override
    public CompletableFuture<String> asyncCallBack(CallContext call) {
      return call.peer().call("name", String.class).thenApply(n -> "hello " + n);
    }

    @Override
    public String pooledCallBack(CallContext call) {
      return call.peer().remote(Caller.class).name();
    }

    @Override
    public void directNote(int n) {
      notes.add("direct " + n + " " + Thread.currentThread().getName());
    }

    @Override
    public void pooledNote(int n) {
      notes.add("pooled " + n + " " + Thread.currentThread().getName());
    }

    @Override
    public String where() {
      return Thread.currentThread().getName();
    }
  }

  @AfterEach
  void close() {
    peers.forEach(Peer::close);
  }

  /** Connects a client to a server of {@link ProbeImpl} built with {@code config}. */
  private Peer connect(PeerConfig config) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer server = Peer.builder().transport(pair.first()).config(config).build();
    Caller caller = () -> "client";
    Peer client = Peer.builder().transport(pair.second())
        .config(PeerConfig.builder().service(caller).callTimeout(NEVER).build()).build();
    peers.add(server);
    peers.add(client);
    return client;
  }

  private Peer connect() {
    return connect(PeerConfig.builder().service(new ProbeImpl()).callTimeout(NEVER).build());
  }

  private static String call(Peer client, String method) throws Exception {
    return client.call(method, String.class).get(10, TimeUnit.SECONDS);
  }

  private static RpcException failure(Peer client, String method) throws Exception {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> client.call(method, String.class).get(10, TimeUnit.SECONDS));
    return assertInstanceOf(RpcException.class, e.getCause());
  }

  @Test
  void aDirectMethodRunsOnTheDecodingThread() throws Exception {
    Peer client = connect();
    assertTrue(call(client, "directThread").startsWith(DECODING_THREAD), "direct");
    assertTrue(call(client, "where").startsWith(DECODING_THREAD), "type-level annotation");
  }

  @Test
  void theDefaultModeIsUnchanged() throws Exception {
    Peer client = connect();
    String thread = call(client, "pooledThread");
    assertFalse(thread.startsWith(DECODING_THREAD), thread);
    assertEquals("client", call(client, "pooledCallBack"), "a blocking call-back still works");
  }

  @Test
  void directExecutionInTheConfigCoversEveryMethod() throws Exception {
    Peer client = connect(PeerConfig.builder().service(new ProbeImpl()).directExecution(true)
        .callTimeout(NEVER).build());
    assertTrue(call(client, "pooledThread").startsWith(DECODING_THREAD));
    RpcException e = failure(client, "pooledCallBack");
    assertEquals(ErrorCodes.BLOCKING_IN_DIRECT_MODE, e.code());
    assertFalse(PeerConfig.builder().build().directExecution(), "off by default");
  }

  @Test
  void aBlockingProxyCallBackFailsFastWithTheDocumentedError() throws Exception {
    Peer client = connect();
    RpcException e = failure(client, "blockingCallBack");
    assertEquals(ErrorCodes.BLOCKING_IN_DIRECT_MODE, e.code());
    assertEquals("Blocking call in direct mode", e.errorMessage());
    assertTrue(e.getMessage().endsWith("[see docs/errors.md#blocking-in-direct-mode]"), e.getMessage());
    assertEquals("name", e.data().getAsJsonObject().get("method").getAsString());
    // The connection is still usable: nothing waits, nothing was sent.
    assertTrue(call(client, "directThread").startsWith(DECODING_THREAD));
  }

  @Test
  void waitingOnTheFutureOfACallBackFailsFast() throws Exception {
    Peer client = connect();
    assertEquals(ErrorCodes.BLOCKING_IN_DIRECT_MODE, failure(client, "getOnCallBack").code());
  }

  @Test
  void anAsynchronousCallBackFromADirectHandlerWorks() throws Exception {
    Peer client = connect();
    assertEquals("hello client", call(client, "asyncCallBack"));
  }

  @Test
  void directNotificationsKeepTheArrivalOrder() throws Exception {
    Peer client = connect();
    client.notify("directNote", 99);
    String first = notes.poll(10, TimeUnit.SECONDS);
    assertTrue(first != null && first.startsWith("direct 99 " + DECODING_THREAD), first);
    for (int i = 0; i < 50; i++) {
      client.notify(i % 2 == 0 ? "directNote" : "pooledNote", i);
    }
    for (int i = 0; i < 50; i++) {
      String note = notes.poll(10, TimeUnit.SECONDS);
      assertTrue(note != null && note.split(" ")[1].equals(String.valueOf(i)), "note " + i + ": " + note);
    }
  }
}
