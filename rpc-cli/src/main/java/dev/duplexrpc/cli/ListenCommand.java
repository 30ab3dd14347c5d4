package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.RpcException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code duplex listen URL --subscribe EVENT...}. */
@Command(name = "listen", mixinStandardHelpOptions = true,
    description = {"Subscribes to events and prints each as one JSON line.",
        "Subscribes with rpc.on, then prints {\"event\":NAME,\"data\":PAYLOAD} per event on stdout until Ctrl-C, SIGTERM or the server closes the connection",
        "(exit 0 for a normal close, 1000 or 1001; 7 otherwise)."})
final class ListenCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Option(names = {"-s", "--subscribe"}, paramLabel = "EVENT", required = true, arity = "1..*",
      description = "An event to subscribe to; repeatable, or several after one option.")
  List<String> events;

  @Override
  public Integer call() throws InterruptedException {
    ClientConnection c = client.connect();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      stopping.set(true);
      c.close();
    }, "duplex-listen-close");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      for (String event : events) {
        try {
          c.subscribe(event, JsonElement.class, (JsonElement data) -> {
            JsonObject line = new JsonObject();
            line.addProperty("event", event);
            line.add("data", data);
            Duplex.OUT.println(Json.compact(line));
          });
        } catch (RpcException e) {
          throw client.failure(e);
        }
      }
      Duplex.ERR.println("duplex listen: subscribed to " + String.join(", ", events) + "; Ctrl-C ends");
      ConnectionClosedException closed = c.closeFuture().join();
      if (stopping.get()) {
        return Exit.OK; // Ctrl-C or SIGTERM: the JVM's exit code (130, 143) stands
      }
      String why = closed.closeCode() + (closed.closeReason().isEmpty() ? "" : " " + closed.closeReason());
      if (closed.closeCode() == 1000 || closed.closeCode() == 1001) {
        Duplex.ERR.println("duplex listen: the server closed the connection (" + why + ")");
        return Exit.OK;
      }
      throw new UserException(Exit.CLOSED, "connection closed (" + why + ")");
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it closes the connection
      }
      c.close();
    }
  }
}
