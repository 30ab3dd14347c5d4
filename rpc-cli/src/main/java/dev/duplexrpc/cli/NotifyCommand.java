package dev.duplexrpc.cli;

import com.google.gson.JsonElement;
import dev.duplexrpc.client.ClientConnection;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** {@code duplex notify URL METHOD [PARAMS_JSON]}. */
@Command(name = "notify", mixinStandardHelpOptions = true,
    description = {"Sends a notification.",
        "Sends METHOD as a notification (no answer is expected, none is printed) and closes."})
final class NotifyCommand extends MethodCommand {

  @Override
  public Integer call() {
    JsonElement p = params();
    try (ClientConnection c = client.connect()) {
      client.await(notify(c.peer(), p).orTimeout(client.timeout.toMillis(), TimeUnit.MILLISECONDS));
      return Exit.OK;
    }
  }
}
