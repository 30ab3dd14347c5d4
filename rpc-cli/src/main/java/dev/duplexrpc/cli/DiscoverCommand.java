package dev.duplexrpc.cli;

import dev.duplexrpc.client.ClientConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code duplex discover URL}. */
@Command(name = "discover", mixinStandardHelpOptions = true,
    description = {"Prints the server's OpenRPC document.",
        "Calls rpc.discover and prints the answer, the server's OpenRPC document, as pretty JSON."})
final class DiscoverCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Parameters(index = "0", paramLabel = "URL", description = "The server, ws://host:port/path or wss://...")
  String url;

  @Override
  public Integer call() {
    try (ClientConnection c = client.connect(url)) {
      Duplex.OUT.println(Json.pretty(client.await(
          c.peer().call(client.timeout, "rpc.discover", com.google.gson.JsonElement.class))));
      return Exit.OK;
    }
  }
}
