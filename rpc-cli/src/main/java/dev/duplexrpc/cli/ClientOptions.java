package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.HandshakeRejectedException;
import dev.duplexrpc.client.ReconnectPolicy;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.RpcTimeoutException;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The URL and the options every client subcommand shares, and connecting with them. */
final class ClientOptions {

  /** What the tool serves to the server it connects to, so that a server can call back. */
  public interface LocalService {
    /**
     * Returns its argument.
     *
     * @param value any JSON value
     * @return the value
     */
    @RpcMethod
    JsonElement echo(JsonElement value);
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "URL", description = "The server, ws://host:port/path or wss://...")
  String url;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = Durations.class,
      description = "How long to wait for the answer: 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
      converter = Durations.class,
      description = "How long to wait for the connection (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  final List<String[]> headers = new ArrayList<>();

  @Option(names = "--header", paramLabel = "NAME=VALUE",
      description = "A handshake request header, e.g. --header Authorization='Bearer x'; repeatable.")
  void header(List<String> values) {
    headers.clear();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine(),
            "Invalid value for option '--header': '" + v + "' is not NAME=VALUE");
      }
      headers.add(new String[] {v.substring(0, eq).trim(), v.substring(eq + 1)});
    }
  }

  @Option(names = "--raw", description = "Print every frame sent (-->) and received (<--) to stderr.")
  boolean raw;

  /**
   * Connects to the URL, mapping each failure to its exit code.
   *
   * @return the open connection
   */
  ClientConnection connect() {
    URI uri = parseUrl(url);
    RpcClient.Builder b = RpcClient.builder()
        .uri(uri)
        .reconnectPolicy(ReconnectPolicy.none())
        .resumableSessions(false) // one command, one socket: nothing to resume
        .connectTimeout(connectTimeout)
        .callTimeout(timeout)
        .service((LocalService) value -> value);
    for (String[] h : headers) {
      b.header(h[0], h[1]);
    }
    if (raw) {
      b.frameListener((text, outgoing) -> Duplex.ERR.println((outgoing ? "--> " : "<-- ") + text));
    }
    try {
      return b.build().connect();
    } catch (HandshakeRejectedException e) {
      throw new UserException(Exit.CONNECT_FAILED, "could not connect to " + uri + ": the server refused "
          + "the handshake with HTTP " + e.statusCode() + httpMeaning(e.statusCode()));
    } catch (IOException e) {
      throw new UserException(Exit.CONNECT_FAILED, "could not connect to " + uri + ": " + rootMessage(e));
    }
  }

  private static String httpMeaning(int status) {
    switch (status) {
      case 401: return " (unauthorized: see --header)";
      case 403: return " (forbidden)";
      case 404: return " (not found: check the path)";
      case 503: return " (unavailable: shutting down)";
      default: return "";
    }
  }

  /** A ws:// or wss:// URL with a host, or exit 3. */
  static URI parseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new UserException(Exit.BAD_URL, "bad URL '" + url + "': " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw new UserException(Exit.BAD_URL, "bad URL '" + url + "': the scheme must be ws:// or wss://");
    }
    if (uri.getHost() == null) {
      throw new UserException(Exit.BAD_URL, "bad URL '" + url + "': no host");
    }
    return uri;
  }

  /**
   * Waits for a call's answer, mapping each failure to its exit code.
   *
   * @param call the call
   * @param <T> the result type
   * @return the result
   */
  <T> T await(CompletableFuture<T> call) {
    try {
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException(Exit.CLOSED, "interrupted");
    } catch (CancellationException e) {
      throw new UserException(Exit.CLOSED, "cancelled");
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    }
  }

  /** The exit for a call's failure. */
  UserException failure(Throwable t) {
    if (t instanceof RpcTimeoutException) {
      return new UserException(Exit.TIMEOUT, "no answer within " + Durations.format(timeout));
    }
    if (t instanceof ConnectionClosedException) {
      ConnectionClosedException c = (ConnectionClosedException) t;
      return new UserException(Exit.CLOSED, "connection closed before the answer ("
          + c.closeCode() + (c.closeReason().isEmpty() ? "" : " " + c.closeReason()) + ")");
    }
    if (t instanceof RpcException) {
      RpcException r = (RpcException) t;
      String data = r.data() == null || r.data().isJsonNull() ? null : Json.compact(r.data());
      boolean shown = data == null || r.errorMessage().contains(data); // the client's own messages quote it
      return new UserException(Exit.RPC_ERROR,
          "error " + r.code() + ": " + r.errorMessage() + (shown ? "" : " data: " + data));
    }
    if (t instanceof IllegalArgumentException) { // a message over the size limit, for instance
      return new UserException(Exit.BAD_PARAMS, t.getMessage());
    }
    return new UserException(Exit.INTERNAL, "internal error: " + t);
  }

  /** The innermost cause's message: "Connection refused" rather than layers of wrappers. */
  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null || m.isEmpty() ? root.getClass().getSimpleName() : m;
  }
}
