package dev.duplexrpc.server.testing;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server in its own JVM, for tests that kill it: {@code ServerMain <port>} serves {@link Feed}
 * on 127.0.0.1, prints {@code LISTENING <port> <pid>} on standard output once it listens, and
 * exits when its standard input ends (so it never outlives the test JVM that started it).
 */
public final class ServerMain {
  private ServerMain() {}

  /** What the server serves. */
  public interface Feed {
    /** Starts pushing {@link Ticker#tick} to the caller every 50 ms; returns this process's pid. */
    @RpcMethod
    long subscribe(String topic);

    /** Returns {@code n}. */
    @RpcMethod
    CompletableFuture<Integer> work(int n);

    /** Never answers. */
    @RpcMethod
    CompletableFuture<String> hang();
  }

  /** What a subscribed client serves. */
  public interface Ticker {
    @RpcNotification
    void tick(String topic, long pid);
  }

  static final ScheduledExecutorService TICKS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ticks");
    t.setDaemon(true);
    return t;
  });

  static final class FeedImpl implements Feed {
    @Override
    public long subscribe(String topic) {
      ServerConnection caller = ServerConnection.current();
      long pid = ProcessHandle.current().pid();
      ScheduledFuture<?> ticks = TICKS.scheduleWithFixedDelay(() -> {
        try {
          caller.remote(Ticker.class).tick(topic, pid);
        } catch (RuntimeException e) {
          // closed: the close below cancels the task
        }
      }, 50, 50, TimeUnit.MILLISECONDS);
      caller.closeFuture().thenRun(() -> ticks.cancel(false));
      return pid;
    }

    @Override
    public CompletableFuture<Integer> work(int n) {
      return CompletableFuture.completedFuture(n);
    }

    @Override
    public CompletableFuture<String> hang() {
      return new CompletableFuture<>();
    }
  }

  /**
   * Runs the server.
   *
   * @param args the port (0 for an ephemeral one)
   */
  public static void main(String[] args) throws IOException {
    RpcServer server = RpcServer.builder()
        .port(Integer.parseInt(args[0]))
        .service(new FeedImpl())
        .callTimeout(Duration.ofMinutes(1))
        .build()
        .start();
    System.out.println("LISTENING " + server.port() + " " + ProcessHandle.current().pid());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // wait for the parent to go away
    }
    server.close();
  }
}
