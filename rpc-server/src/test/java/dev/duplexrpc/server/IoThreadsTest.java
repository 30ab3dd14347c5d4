package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which threads the embedded server uses: frames are read on Grizzly's selector threads, the
 * upgrade (with the connection listener, which may block) on its worker pool, handlers on the
 * executor; and a connection listener that blocks does not stop other connections' frames.
 */
class IoThreadsTest {
  /** The service. */
  public interface Echo {
    @RpcMethod
    String echo(String s);
  }

  /** Echoes. */
  public static final class EchoImpl implements Echo {
    @Override
    public String echo(String s) {
      return s;
    }
  }

  @Test
  void framesAreReadOnSelectorThreadsAndTheUpgradeRunsOnAWorker() throws Exception {
    BlockingQueue<String> openThreads = new LinkedBlockingQueue<>();
    BlockingQueue<String> readThreads = new LinkedBlockingQueue<>();
    try (RpcServer server = RpcServer.builder()
        .service(new EchoImpl())
        .connectionListener(setup -> openThreads.add(Thread.currentThread().getName()))
        .frameListener((id, text, outgoing) -> {
          if (!outgoing) {
            readThreads.add(Thread.currentThread().getName());
          }
        })
        .build()
        .start()) {
      ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect();
      try {
        assertEquals("hi", c.remote(Echo.class).echo("hi"));
      } finally {
        c.close();
      }
      String open = openThreads.poll(10, TimeUnit.SECONDS);
      String read = readThreads.poll(10, TimeUnit.SECONDS);
      assertNotNull(open);
      assertNotNull(read);
      // A Grizzly worker (the upgrade's thread) or, with a resumable session, the executor once
      // the rpc.session greeting has arrived: never a selector thread.
      assertFalse(open.contains("SelectorRunner"), "onOpen ran on " + open);
      assertTrue(read.contains("SelectorRunner"), "frame read on " + read);
    }
  }

  @Test
  void aBlockedConnectionListenerDoesNotHoldUpOtherConnections() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    try (RpcServer server = RpcServer.builder()
        .service(new EchoImpl())
        .connectionListener(setup -> {
          if ("slow".equals(setup.handshake().queryParameter("who"))) {
            blocked.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS));
          }
        })
        .build()
        .start()) {
      ClientConnection fast = RpcClient.builder().uri(server.uri()).build().connect();
      Thread slowClient = new Thread(() -> {
        try {
          RpcClient.builder().uri(server.uri() + "?who=slow").build().connect().close();
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      });
      slowClient.start();
      try {
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 20; i++) {
          assertEquals("x" + i, fast.remote(Echo.class).echo("x" + i));
        }
      } finally {
        release.countDown();
        fast.close();
        slowClient.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }
}
