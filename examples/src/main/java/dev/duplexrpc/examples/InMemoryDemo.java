package dev.duplexrpc.examples;

import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The core demo: two Peers over the in-memory transport (no socket; run it with {@code
 * exec:java@in-memory}, see the README) call each other through proxies of one
 * annotated interface, and every frame on the wire is printed.
 */
public final class InMemoryDemo {
  private InMemoryDemo() {}

  /** The interface both ends share. */
  @RpcService(prefix = "greeter.")
  public interface Greeter {
    /** Greets someone; the serving side asks the caller for a nickname first. */
    @RpcMethod
    String greet(String name);

    /** Returns a nickname for a name. */
    @RpcMethod
    String nickname(String name);

    /** One-way news. */
    @RpcNotification
    void news(String text);
  }

  static final class GreeterImpl implements Greeter {
    private final String side;
    final CountDownLatch news = new CountDownLatch(1);

    GreeterImpl(String side) {
      this.side = side;
    }

    @Override
    public String greet(String name) {
      System.out.println("[" + side + "] serving greet(" + name + "), calling the caller back");
      Greeter caller = CallContext.current().peer().remote(Greeter.class);
      String nick = caller.nickname(name);
      caller.news("greeted " + nick);
      return "Hello, " + nick + "!";
    }

    @Override
    public String nickname(String name) {
      System.out.println("[" + side + "] serving nickname(" + name + ")");
      return name.substring(0, Math.min(3, name.length())) + "o";
    }

    @Override
    public void news(String text) {
      System.out.println("[" + side + "] news: " + text);
      news.countDown();
    }
  }

  /** Prints each frame as it goes out. */
  static Transport logging(String side, Transport t) {
    return new Transport() {
      @Override
      public void start(Listener listener) {
        t.start(listener);
      }

      @Override
      public CompletionStage<Void> send(String message) {
        System.out.println("  " + side + " --> " + message);
        return t.send(message);
      }

      @Override
      public void close(int code, String reason) {
        t.close(code, reason);
      }
    };
  }

  /**
   * Runs the demo.
   *
   * @param args unused
   * @throws Exception if the demo fails
   */
  public static void main(String[] args) throws Exception {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    GreeterImpl serverSide = new GreeterImpl("server");
    GreeterImpl clientSide = new GreeterImpl("client");
    PeerConfig serverConfig = PeerConfig.builder().service(serverSide).build();
    PeerConfig clientConfig = PeerConfig.builder().service(clientSide).build();
    try (Peer server = Peer.builder().transport(logging("server", pair.first())).config(serverConfig).build();
        Peer client = Peer.builder().transport(logging("client", pair.second())).config(clientConfig).build()) {
      System.out.println("[client] calling greet(\"Ada Lovelace\")");
      String answer = client.remote(Greeter.class).greet("Ada Lovelace");
      System.out.println("[client] got: " + answer);
      if (!clientSide.news.await(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the notification did not arrive");
      }
    }
    System.out.println("done");
  }
}
