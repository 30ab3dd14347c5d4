package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import picocli.CommandLine.Command;

/** {@code duplex call URL METHOD [PARAMS_JSON]}. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = {"Calls a method and prints its result.",
        "Prints the result of METHOD as pretty JSON on stdout.",
        "A JSON-RPC error answer is printed on stderr as one line (code, message, data) with exit code 1."})
final class CallCommand extends MethodCommand {

  @Override
  public Integer call() {
    JsonElement p = params();
    try (ClientConnection c = client.connect()) {
      JsonElement result = client.await(call(c.peer(), p));
      Duplex.OUT.println(Json.pretty(result));
      return Exit.OK;
    }
  }
}
