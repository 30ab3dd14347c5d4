package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code duplex discover URL}. */
@Command(name = "discover", mixinStandardHelpOptions = true,
    description = {"Prints the server's OpenRPC document.",
        "Calls rpc.discover and prints the answer, the server's OpenRPC document, as pretty JSON."})
final class DiscoverCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Override
  public Integer call() {
    try (ClientConnection c = client.connect()) {
      Duplex.OUT.println(Json.pretty(client.await(
          c.peer().call(client.timeout, "rpc.discover", JsonElement.class))));
      return Exit.OK;
    }
  }
}
