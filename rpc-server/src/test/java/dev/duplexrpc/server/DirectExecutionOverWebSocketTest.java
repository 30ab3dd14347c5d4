package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.DirectExecution;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Direct mode over real sockets: a {@link DirectExecution} handler runs on the Grizzly selector
 * thread that read its frame, a blocking call back to the client from it fails at once with
 * -32008 (the call timeout is minutes long), and a handler without it still runs off the selector;
 * a client in direct mode runs the server's calls on its own reading thread.
 */
class DirectExecutionOverWebSocketTest {
  /** The server's service. */
  public interface Probe {
    @DirectExecution
    @RpcMethod
    String direct();

    @RpcMethod
    String pooled();

    @DirectExecution
    @RpcMethod
    String askClient(CallContext call);

    @RpcMethod
    String askClientPooled(CallContext call);

    /** Asks the client which thread its handler ran on (an asynchronous call: allowed anywhere). */
    @RpcMethod
    CompletableFuture<String> clientThread(CallContext call);
  }

  /** The client's service. */
  public interface Name {
    @RpcMethod
    String name();
  }

  /** The client's async view of its own service, for the server's calls. */
  public interface AsyncName {
    @RpcMethod("name")
    CompletableFuture<String> name();
  }

  /** Answers with the thread it runs on, or asks the client its name. */
  public static final class ProbeImpl implements Probe {
    @Override
    public String direct() {
      return Thread.currentThread().getName();
    }

    @Override
    public String pooled() {
      return Thread.currentThread().getName();
    }

    @Override
    public String askClient(CallContext call) {
      return call.peer().remote(Name.class).name();
    }

    @Override
    public String askClientPooled(CallContext call) {
      return call.peer().remote(Name.class).name();
    }

    @Override
    public CompletableFuture<String> clientThread(CallContext call) {
      return call.peer().remote(AsyncName.class).name();
    }
  }

  @Test
  void aClientInDirectModeRunsTheServersCallsOnItsReadingThread() throws Exception {
    Name thread = () -> Thread.currentThread().getName();
    try (RpcServer server = RpcServer.builder().service(new ProbeImpl()).build().start()) {
      ClientConnection direct = RpcClient.builder().uri(server.uri()).service(thread)
          .directExecution(true).build().connect();
      ClientConnection pooled = RpcClient.builder().uri(server.uri()).service(thread).build().connect();
      try {
        String d = direct.remote(Probe.class).clientThread(null).get(10, TimeUnit.SECONDS);
        String p = pooled.remote(Probe.class).clientThread(null).get(10, TimeUnit.SECONDS);
        // The default executor's threads: duplex-rpc-worker-N on 17, unnamed virtual threads on 21+.
        assertFalse(d.isEmpty() || d.startsWith("duplex-rpc-worker"), "direct client handler ran on " + d);
        assertTrue(p.isEmpty() || p.startsWith("duplex-rpc-worker"), "default client handler ran on " + p);
      } finally {
        direct.close();
        pooled.close();
      }
    }
  }

  @Test
  void directHandlersRunOnTheSelectorAndFailFastOnABlockingCallBack() throws Exception {
    Name name = () -> "client";
    try (RpcServer server = RpcServer.builder().service(new ProbeImpl())
        .callTimeout(Duration.ofMinutes(10)).build().start()) {
      ClientConnection c = RpcClient.builder().uri(server.uri()).service(name)
          .callTimeout(Duration.ofMinutes(10)).build().connect();
      try {
        Probe probe = c.remote(Probe.class);
        // Answered only once the connection is set up: the first messages of a resumable session,
        // which arrive while the server builds it, are delivered from the thread that built it.
        String pooled = probe.pooled();
        assertFalse(pooled.contains("SelectorRunner"), "default handler ran on " + pooled);
        String direct = probe.direct();
        assertTrue(direct.contains("SelectorRunner"), "direct handler ran on " + direct);

        RpcException e = assertThrows(RpcException.class, () -> probe.askClient(null));
        assertEquals(ErrorCodes.BLOCKING_IN_DIRECT_MODE, e.code());
        assertEquals("Blocking call in direct mode", e.errorMessage());
        assertEquals("client", probe.askClientPooled(null), "the default mode's call-back still works");
      } finally {
        c.close();
      }
    }
  }
}
