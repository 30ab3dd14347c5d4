package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.core.Peer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code duplex call URL METHOD [PARAMS_JSON]}. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls a method and prints its result.",
        "Prints the result of METHOD as pretty JSON on stdout.",
        "A JSON-RPC error answer is printed on stderr as one line (code, message, data) with exit code 1."})
final class CallCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "URL", description = "The server, ws://host:port/path or wss://...")
  String url;

  @Parameters(index = "1", paramLabel = "METHOD", description = "The method name.")
  String method;

  @Parameters(index = "2", arity = "0..1", paramLabel = "PARAMS_JSON",
      description = "The params: a JSON array (positional) or object (named); none: no params.")
  String params;

  @Override
  public Integer call() {
    JsonElement p = Json.params(params);
    try (ClientConnection c = client.connect(url)) {
      JsonElement result = client.await(call(c.peer(), client, method, p));
      Duplex.OUT.println(Json.pretty(result));
      return Exit.OK;
    }
  }

  static CompletableFuture<JsonElement> call(Peer peer, ClientOptions o, String method, JsonElement p) {
    if (p == null) {
      return peer.call(o.timeout, method, JsonElement.class);
    }
    if (p.isJsonArray()) {
      return peer.call(o.timeout, method, JsonElement.class, positional(p));
    }
    return peer.callNamed(o.timeout, method, JsonElement.class, named(p.getAsJsonObject()));
  }

  static Object[] positional(JsonElement p) {
    Object[] args = new Object[p.getAsJsonArray().size()];
    for (int i = 0; i < args.length; i++) {
      JsonElement e = p.getAsJsonArray().get(i);
      args[i] = e.isJsonNull() ? null : e;
    }
    return args;
  }

  static Map<String, Object> named(JsonObject o) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      m.put(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue());
    }
    return m;
  }
}
