package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.core.Peer;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * What {@code call} and {@code notify} share: the client options with the URL, then METHOD and
 * PARAMS_JSON. (A base class rather than a second mixin: picocli checks a mixin's positional
 * indexes on their own, and these start at 1.)
 */
abstract class MethodCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "1", paramLabel = "METHOD", description = "The method name.")
  String method;

  @Parameters(index = "2", arity = "0..1", paramLabel = "PARAMS_JSON",
      description = "The params: a JSON array (positional) or object (named); none: no params.")
  String params;

  /**
   * Parses PARAMS_JSON; call it before connecting, so that bad params exit 4 at once.
   *
   * @return the params: an array, an object, or null when absent
   */
  JsonElement params() {
    return Json.params(params);
  }

  /**
   * Calls the method, waiting at most {@code --timeout} for the answer.
   *
   * @param peer the connection
   * @param p the parsed params, or null for none
   * @return the result
   */
  CompletableFuture<JsonElement> call(Peer peer, JsonElement p) {
    if (p == null) {
      return peer.call(client.timeout, method, JsonElement.class);
    }
    if (p.isJsonArray()) {
      return peer.call(client.timeout, method, JsonElement.class, Json.positional(p));
    }
    return peer.callNamed(client.timeout, method, JsonElement.class, Json.named(p.getAsJsonObject()));
  }

  /**
   * Sends the method as a notification.
   *
   * @param peer the connection
   * @param p the parsed params, or null for none
   * @return completes when the notification is handed to the socket
   */
  CompletableFuture<Void> notify(Peer peer, JsonElement p) {
    if (p == null) {
      return peer.notify(method);
    }
    if (p.isJsonArray()) {
      return peer.notify(method, Json.positional(p));
    }
    return peer.notifyNamed(method, Json.named(p.getAsJsonObject()));
  }
}
