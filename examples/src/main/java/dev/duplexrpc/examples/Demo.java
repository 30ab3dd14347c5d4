package dev.duplexrpc.examples;

import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.ServerConnection;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Both directions over a real socket: a server on an ephemeral loopback port, a client that
 * calls it, the server calling the client back while serving that call, and server pushes.
 * Prints each step and every frame the client sends and receives.
 */
public final class Demo {
  /** Keeps Grizzly's and Tyrus's start/stop logging out of the demo's output. */
  private static final Logger GLASSFISH = Logger.getLogger("org.glassfish");

  private Demo() {}

  /** The server's Shop: it calls back the customer who is ordering. */
  static final class ShopService implements Shop {
    @Override
    public String order(String item, int quantity) {
      double total = quantity * 2.50;
      String question = String.format(Locale.ROOT, "%d x %s for %.2f?", quantity, item, total);
      step("server: serving order(" + item + ", " + quantity + "), asking the client: " + question);
      Customer caller = CallContext.current().peer().remote(Customer.class);
      boolean yes = caller.confirm(question);   // a call back into the client, mid-call
      step("server: the client answered " + yes);
      return yes
          ? String.format(Locale.ROOT, "receipt: %d x %s, %.2f, confirmed", quantity, item, total)
          : "order cancelled";
    }
  }

  /**
   * Runs the demo.
   *
   * @param args ignored
   * @throws Exception if a step fails
   */
  public static void main(String[] args) throws Exception {
    GLASSFISH.setLevel(Level.WARNING);
    CountDownLatch pushes = new CountDownLatch(2);

    try (RpcServer server = RpcServer.builder()
        .path("/shop")
        .service(new ShopService())
        .build()
        .start()) {
      step("server: listening on " + server.uri());

      Customer customer = new Customer() {
        @Override
        public boolean confirm(String question) {
          step("client: the server asks \"" + question + "\", answering yes");
          return true;
        }

        @Override
        public void priceChanged(String item, double price) {
          step(String.format(Locale.ROOT, "client: pushed by the server: %s now costs %.2f", item, price));
          pushes.countDown();
        }
      };
      try (ClientConnection connection = RpcClient.builder()
          .uri(server.uri())
          .service(customer)
          .frameListener((text, outgoing) -> step((outgoing ? "  wire client --> " : "  wire client <-- ") + text))
          .build()
          .connect()) {
        step("client: connected");

        step("client: calling order(coffee, 3)");
        String receipt = connection.remote(Shop.class).order("coffee", 3);
        step("client: got " + receipt);

        step("server: pushing price changes to " + server.connections().size() + " client(s)");
        for (ServerConnection c : server.connections()) {
          Customer remote = c.remote(Customer.class);
          remote.priceChanged("coffee", 2.40);
          remote.priceChanged("tea", 1.90);
        }
        if (!pushes.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the pushes did not arrive");
        }
        step("client: closing");
      }
    }
    step("done");
  }

  private static synchronized void step(String text) {
    System.out.println(text);
  }
}
