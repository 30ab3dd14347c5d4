package dev.duplexrpc.bench.servers;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.websocket.jakarta.WebSocketEndpoint;

/** The {@code lsp4j} target: LSP4J's JSON-RPC over its Jakarta WebSocket endpoint, same service. */
public final class LspTarget {
  private LspTarget() {}

  /** The bench service in LSP4J's annotations. */
  public interface Service {
    /**
     * {@code minuend - subtrahend}.
     *
     * @param minuend the first operand
     * @param subtrahend the second operand
     * @return the difference
     */
    @JsonRequest("subtract")
    CompletableFuture<Integer> subtract(int minuend, int subtrahend);

    /**
     * The text itself.
     *
     * @param text any text
     * @return {@code text}
     */
    @JsonRequest("echo")
    CompletableFuture<String> echo(String text);

    /**
     * Starts calls to the client's {@code subtract}, {@code inFlight} at a time.
     *
     * @param inFlight calls in flight
     */
    @JsonNotification("bench.push")
    void push(int inFlight);
  }

  /** What the client serves, for server-to-client calls. */
  public interface Client {
    /**
     * {@code minuend - subtrahend}.
     *
     * @param minuend the first operand
     * @param subtrahend the second operand
     * @return the difference
     */
    @JsonRequest("subtract")
    CompletableFuture<Integer> subtract(int minuend, int subtrahend);
  }

  /** The service, answering at once as LSP4J services usually do. */
  public static final class Impl implements Service {
    volatile Client client;
    volatile boolean open = true;

    @Override
    public CompletableFuture<Integer> subtract(int minuend, int subtrahend) {
      return CompletableFuture.completedFuture(minuend - subtrahend);
    }

    @Override
    public CompletableFuture<String> echo(String text) {
      return CompletableFuture.completedFuture(text);
    }

    @Override
    public void push(int inFlight) {
      for (int i = 0; i < Math.min(inFlight, 1024); i++) {
        loop();
      }
    }

    private void loop() {
      client.subtract(42, 23).whenComplete((v, e) -> {
        if (e == null && open) {
          loop();
        }
      });
    }
  }

  /** The endpoint Tyrus creates for every connection. */
  public static final class Endpoint extends WebSocketEndpoint<Client> {
    private final Impl impl = new Impl();

    /** Created by Tyrus. */
    public Endpoint() {}

    @Override
    protected void configure(Launcher.Builder<Client> builder) {
      builder.setLocalService(impl).setRemoteInterface(Client.class);
    }

    @Override
    protected void connect(Collection<Object> localServices, Client remoteProxy) {
      impl.client = remoteProxy;
    }

    @Override
    public void onClose(jakarta.websocket.Session session, jakarta.websocket.CloseReason closeReason) {
      impl.open = false;
    }
  }
}
