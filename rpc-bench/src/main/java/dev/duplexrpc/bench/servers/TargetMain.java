package dev.duplexrpc.bench.servers;

import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.EventForm;
import dev.duplexrpc.server.RpcServer;
import dev.duplexrpc.server.internal.EmbeddedContainer;
import dev.duplexrpc.server.internal.HandshakeGate;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The main class of a Java target process: starts one server on 127.0.0.1 and an ephemeral port,
 * prints {@code LISTENING <port>} on stdout, then serves until stdin says {@code EXIT} or closes.
 * On {@code HEAP} it collects garbage and prints {@code HEAP <bytes used>}.
 *
 * <pre>{@code
 * java -Xmx1g -cp ... dev.duplexrpc.bench.servers.TargetMain duplex [io=same] [workers=4] [direct=true] [tracing=on|unsampled] [sessions=off]
 * }</pre>
 */
public final class TargetMain {
  /**
   * The connection limits of the library's targets: the generator is one address opening up to
   * thousands of sockets at once, which the defaults per address would refuse (429), so those and
   * the totals are off. The bench measures the RPC path, not the guard.
   */
  public static final ConnectionLimits LOAD_LIMITS = ConnectionLimits.builder()
      .maxConnections(0).maxPendingHandshakes(0)
      .maxConnectionsPerAddress(0).maxPendingHandshakesPerAddress(0)
      .build();

  private TargetMain() {}

  /**
   * Starts a target.
   *
   * @param args the target kind, then {@code key=value} settings
   * @throws Exception if the server does not start
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: TargetMain <raw-tyrus|raw-tyrus-lib|duplex|lsp4j> [key=value...]");
    }
    Map<String, String> settings = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not key=value: " + args[i]);
      }
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    AutoCloseable server;
    int port;
    switch (args[0]) {
      case "raw-tyrus": {
        StockTyrusServer s = new StockTyrusServer(GrizzlySettings.of(settings));
        s.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/").build());
        s.start("/", 0);
        server = s::stop;
        port = s.getPort();
        break;
      }
      case "raw-tyrus-lib": {
        // The same echo endpoint in the library's own container, with the library's settings.
        EmbeddedContainer c = new EmbeddedContainer("127.0.0.1", 0, 1 << 20,
            handshake -> HandshakeGate.Verdict.admit(null), null, null, LOAD_LIMITS);
        c.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/").build());
        c.start("/", 0);
        server = c::stop;
        port = c.getPort();
        break;
      }
      case "duplex": {
        RpcServer[] self = new RpcServer[1];
        RpcServer.Builder b = RpcServer.builder().host("127.0.0.1").port(0).path("/")
            .service(new BenchService.Impl())
            .service((Fanout) count -> {
              for (int i = 0; i < count; i++) {
                self[0].events().publish("tick", i);
              }
              return count;
            })
            .event("tick")
            .connectionListener(setup -> { // the fan-out scenario's subscribers: rpc-websockets' form
              if ("rpc-websockets".equals(setup.handshake().queryParameter("events"))) {
                setup.eventForm(EventForm.RPC_WEBSOCKETS);
              }
            })
            .connectionLimits(LOAD_LIMITS);
        String executor = settings.getOrDefault("executor", "default");
        if (executor.startsWith("pool")) { // pool<N>: the library's fallback pool with N threads
          b.executor(dev.duplexrpc.core.internal.Defaults.boundedPool(Integer.parseInt(executor.substring(4))));
        } else if (!executor.equals("default")) {
          throw new IllegalArgumentException("executor=" + executor + ": default or pool<N>");
        }
        // direct=true: every handler on the selector thread (the opt-in direct mode)
        b.directExecution(Boolean.parseBoolean(settings.getOrDefault("direct", "false")));
        String tracing = settings.getOrDefault("tracing", "off");
        if (tracing.equals("on") || tracing.equals("unsampled")) { // docs/observability.md, "Overhead"
          b.interceptor(Tracing.telemetry(tracing.equals("on")).interceptor());
        } else if (!tracing.equals("off")) {
          throw new IllegalArgumentException("tracing=" + tracing + ": on, unsampled or off");
        }
        String sessions = settings.getOrDefault("sessions", "on");
        if (!sessions.equals("on") && !sessions.equals("off")) {
          throw new IllegalArgumentException("sessions=" + sessions + ": on or off");
        }
        b.resumableSessions(sessions.equals("on")); // off: the library's client gets a plain connection
        RpcServer s = b.build().start();
        self[0] = s;
        server = s;
        port = s.port();
        break;
      }
      case "lsp4j": {
        StockTyrusServer s = new StockTyrusServer(GrizzlySettings.of(settings));
        s.addEndpoint(ServerEndpointConfig.Builder.create(LspTarget.Endpoint.class, "/").build());
        s.start("/", 0);
        server = s::stop;
        port = s.getPort();
        break;
      }
      default:
        throw new IllegalArgumentException("unknown target " + args[0]);
    }
    System.out.println("LISTENING " + port);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      line = line.trim();
      if (line.equals("EXIT")) {
        break;
      }
      if (line.equals("HEAP")) {
        System.out.println("HEAP " + heapAfterGc());
        System.out.flush();
      }
    }
    server.close();
    System.exit(0);
  }

  /** The fan-out scenario's publisher: {@code bench.fanout(count)} publishes {@code count} events. */
  public interface Fanout {
    /**
     * Publishes {@code count} events named {@code tick}.
     *
     * @param count how many
     * @return {@code count}
     */
    @RpcMethod("bench.fanout")
    int fanout(int count);
  }

  /** Heap in use after full collections, in bytes. */
  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * A bare Jakarta WebSocket endpoint. By default it sends every text message back. Two modes,
   * chosen by the handshake's query, give the floors of the other scenarios:
   *
   * <ul>
   *   <li>{@code ?mode=answer}: answers each request with a pre-serialized {@code subtract} result
   *       carrying the request's id (for the library's own client);
   *   <li>{@code ?mode=push&k=K}: on the first message sends K pre-serialized requests, and resends
   *       request {@code id} whenever a reply with that id arrives (server-to-client calls).
   * </ul>
   */
  public static final class Echo extends Endpoint {
    /** Created by Tyrus. */
    public Echo() {}

    @Override
    public void onOpen(Session session, EndpointConfig config) {
      RemoteEndpoint.Async remote = session.getAsyncRemote();
      String query = session.getQueryString() == null ? "" : session.getQueryString();
      if (query.contains("mode=answer")) {
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
          String id = idLiteral(text);
          if (id != null) {
            remote.sendText("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":19}");
          }
        });
      } else if (query.contains("mode=push")) {
        int k = Integer.parseInt(query.replaceAll(".*\\bk=(\\d+).*", "$1"));
        String[] frames = new String[Math.min(k, 1024)];
        for (int i = 0; i < frames.length; i++) {
          frames[i] = "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 1)
              + ",\"method\":\"subtract\",\"params\":[42,23]}";
        }
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
          String id = idLiteral(text);
          if (id == null) {
            for (String f : frames) { // bench.push: start
              remote.sendText(f);
            }
            return;
          }
          int i = Integer.parseInt(id) - 1;
          if (i >= 0 && i < frames.length) {
            remote.sendText(frames[i]);
          }
        });
      } else {
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) remote::sendText);
      }
    }
  }

  /** The literal after {@code "id":} up to the next comma or brace, or null. */
  static String idLiteral(String text) {
    int i = text.indexOf("\"id\":");
    if (i < 0) {
      return null;
    }
    i += 5;
    int end = i;
    while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '}') {
      end++;
    }
    return text.substring(i, end).trim();
  }
}
