package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.core.Peer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code duplex notify URL METHOD [PARAMS_JSON]}. */
@Command(name = "notify", mixinStandardHelpOptions = true,
    description = {"Sends a notification.",
        "Sends METHOD as a notification (no answer is expected, none is printed) and closes."})
final class NotifyCommand implements Callable<Integer> {
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
      Peer peer = c.peer();
      CompletableFuture<Void> sent = p == null ? peer.notify(method)
          : p.isJsonArray() ? peer.notify(method, CallCommand.positional(p))
          : peer.notifyNamed(method, CallCommand.named(p.getAsJsonObject()));
      client.await(sent.orTimeout(client.timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
      return Exit.OK;
    }
  }
}
