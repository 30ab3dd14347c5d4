package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code duplex call URL METHOD [PARAMS_JSON]}. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls a method and prints its result.",
        "Prints the result of METHOD as pretty JSON on stdout; with --stream, each item of a streamed"
            + " result as one line of JSON (JSON Lines) as it arrives.",
        "A JSON-RPC error answer is printed on stderr as one line (code, message, data) with exit code 1."})
final class CallCommand extends MethodCommand {

  @Option(names = "--stream",
      description = "METHOD returns a stream: print its items as JSON Lines until it ends (positional"
          + " PARAMS_JSON only; --timeout applies until the stream starts).")
  boolean stream;

  @Override
  public Integer call() {
    JsonElement p = params();
    if (stream && p != null && !p.isJsonArray()) {
      throw new UserException(Exit.BAD_PARAMS, "--stream takes positional params (a JSON array)");
    }
    try (ClientConnection c = client.connect()) {
      if (stream) {
        Object[] args = p == null ? new Object[0] : Json.positional(p);
        client.await(lines(c.peer().stream(method, JsonElement.class, args)));
        return Exit.OK;
      }
      JsonElement result = client.await(call(c.peer(), p));
      Duplex.OUT.println(Json.pretty(result));
      return Exit.OK;
    }
  }

  /** Prints each item as one compact JSON line; completes with the stream's end. */
  private static CompletableFuture<Void> lines(Flow.Publisher<JsonElement> items) {
    CompletableFuture<Void> end = new CompletableFuture<>();
    items.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE); // printing paces it: the credit window bounds what is buffered
      }

      @Override
      public void onNext(JsonElement item) {
        Duplex.OUT.println(Json.compact(item));
      }

      @Override
      public void onError(Throwable t) {
        Duplex.OUT.flush();
        end.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        Duplex.OUT.flush();
        end.complete(null);
      }
    });
    return end;
  }
}
