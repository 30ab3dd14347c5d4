package dev.duplexrpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.RpcServer;
import jakarta.websocket.ClientEndpointConfig;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.websocket.jakarta.WebSocketEndpoint;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.Test;

/**
 * LSP4J's JSON-RPC, over its Jakarta WebSocket endpoint, calls a Duplex RPC server with an LSP
 * work done token and reads the handler's progress as LSP {@code $/progress} notifications (the
 * shapes of the LSP specification's {@code ProgressParams} and {@code WorkDoneProgressBegin},
 * {@code Report} and {@code End}), all before the result.
 */
class LspProgressTest {
  static final long TIMEOUT = 30;

  /** The Duplex RPC service: a long call that reports its progress. */
  public interface Indexer {
    @RpcMethod("workspace/index")
    String index(String path, Progress workDoneToken);
  }

  static final class IndexerImpl implements Indexer {
    @Override
    public String index(String path, Progress progress) {
      progress.begin("Indexing", path, 0);
      progress.report("half way", 50);
      progress.end("indexed");
      return "indexed " + path;
    }
  }

  /** LSP's {@code ProgressParams}: {@code token: integer | string}, {@code value: T}. */
  public static final class ProgressParams {
    JsonElement token;
    JsonObject value;
  }

  /** The params of the request, as an LSP client writes them: named, with the token. */
  public static final class IndexParams {
    String path;
    Object workDoneToken;

    IndexParams(String path, Object workDoneToken) {
      this.path = path;
      this.workDoneToken = workDoneToken;
    }
  }

  /** What the LSP4J end calls. */
  public interface Remote {
    @JsonRequest("workspace/index")
    CompletableFuture<String> index(IndexParams params);
  }

  /** What the LSP4J end serves: the progress notification. */
  public static final class Client {
    final List<String> events = new CopyOnWriteArrayList<>();

    @JsonNotification("$/progress")
    public void progress(ProgressParams params) {
      events.add(params.token + " " + params.value);
    }
  }

  /** LSP4J's endpoint, the client side of one socket. */
  static final class Lsp4jEndpoint extends WebSocketEndpoint<Remote> {
    final Client client = new Client();
    final CompletableFuture<Remote> remote = new CompletableFuture<>();

    @Override
    protected void configure(Launcher.Builder<Remote> builder) {
      builder.setLocalService(client).setRemoteInterface(Remote.class);
    }

    @Override
    protected void connect(Collection<Object> localServices, Remote remoteProxy) {
      remote.complete(remoteProxy);
    }
  }

  @Test
  void lsp4jReadsTheHandlersProgressBeforeTheResult() throws Exception {
    try (RpcServer server = RpcServer.builder().service(new IndexerImpl()).build().start()) {
      ClientManager container = ClientManager.createClient();
      Lsp4jEndpoint endpoint = new Lsp4jEndpoint();
      var session = container.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(),
          server.uri());
      try {
        Remote remote = endpoint.remote.get(TIMEOUT, TimeUnit.SECONDS);
        String numbered = remote.index(new IndexParams("/src", 7)).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("indexed /src", numbered);
        assertEquals(List.of(
            "7 " + json("{\"kind\":\"begin\",\"title\":\"Indexing\",\"message\":\"/src\",\"percentage\":0}"),
            "7 " + json("{\"kind\":\"report\",\"message\":\"half way\",\"percentage\":50}"),
            "7 " + json("{\"kind\":\"end\",\"message\":\"indexed\"}")), endpoint.client.events);
        endpoint.client.events.clear();
        String named = remote.index(new IndexParams("/lib", "tok-1")).get(TIMEOUT, TimeUnit.SECONDS);
        assertEquals("indexed /lib", named);
        assertEquals(3, endpoint.client.events.size());
        assertTrue(endpoint.client.events.get(0).startsWith("\"tok-1\" {\"kind\":\"begin\""),
            endpoint.client.events.get(0));
        endpoint.client.events.clear();
        assertEquals("indexed /x", remote.index(new IndexParams("/x", null)).get(TIMEOUT, TimeUnit.SECONDS));
        assertEquals(List.of(), endpoint.client.events); // no token: no progress
      } finally {
        session.close();
        container.shutdown();
      }
    }
  }

  private static String json(String text) {
    return JsonParser.parseString(text).toString();
  }
}
