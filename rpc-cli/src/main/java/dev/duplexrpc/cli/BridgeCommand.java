package dev.duplexrpc.cli;

import dev.duplexrpc.server.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code duplex bridge --port P [--framing content-length|newline] -- COMMAND ARGS...}. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = {"Puts a stdio JSON-RPC program on a WebSocket.",
        "Exposes a program that speaks JSON-RPC on its stdin and stdout over WebSocket:",
        "one process per connection, messages passed through unchanged in both directions.",
        "The process is ended (destroy, then destroyForcibly after --grace) when the socket closes;",
        "the socket is closed when the process exits: 1000 for exit status 0, else 1011, with the",
        "reason 'command exited with N'. Malformed output closes with 1011, a message over",
        "--max-message-size with 1009. The process's stderr goes to the bridge's stderr.",
        "Prints its URL on stdout (first line); runs until Ctrl-C or SIGTERM."})
final class BridgeCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Mixin
  ServerOptions serverOptions;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(names = "--path", paramLabel = "PATH", defaultValue = "/",
      description = "The endpoint path (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--framing", paramLabel = "FRAMING", defaultValue = "content-length",
      description = "content-length (LSP: Content-Length header in bytes of UTF-8) or newline "
          + "(one JSON message per line) (default: ${DEFAULT-VALUE}).")
  String framing;

  @Option(names = "--max-message-size", paramLabel = "CHARS", defaultValue = "1048576",
      description = "The largest message either way, in chars (default: ${DEFAULT-VALUE}).")
  int maxMessageSize;

  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
      description = "How long a process may take to exit after destroy() (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--allow-origin", paramLabel = "ORIGIN",
      description = "Accept browser pages only from this origin, e.g. http://localhost:5173; repeatable. "
          + "Without it any page may connect.")
  List<String> origins;

  @Parameters(paramLabel = "COMMAND", arity = "1..*",
      description = "The program and its arguments, after --.")
  List<String> command;

  /** Whether {@code name} is an executable file, as a path or on the PATH. */
  static boolean executable(String name) {
    if (name.contains(java.io.File.separator) || name.contains("/")) {
      return java.nio.file.Files.isExecutable(java.nio.file.Path.of(name));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return true; // let the start fail with its own message
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      java.nio.file.Path p = java.nio.file.Path.of(dir, name);
      if (java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)) {
        return true;
      }
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        for (String ext : new String[] {".exe", ".cmd", ".bat"}) {
          if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name + ext))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Override
  public Integer call() throws InterruptedException {
    Framing f;
    try {
      f = Framing.of(framing);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--framing': " + e.getMessage());
    }
    if (maxMessageSize < 256) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--max-message-size': at least 256");
    }
    serverOptions.check(path);
    if (!executable(command.get(0))) {
      throw new UserException(Exit.USAGE, "command not found: " + command.get(0));
    }
    Set<BridgeSession> sessions = ConcurrentHashMap.newKeySet();
    RpcServer.Builder b = RpcServer.builder()
        .host(host)
        .port(serverOptions.port)
        .connectionLimits(serverOptions.limits())
        .path(path)
        .maxMessageSize(maxMessageSize)
        .transportHandler((id, handshake, transport) -> {
          BridgeSession s = new BridgeSession(id, transport, command, f, maxMessageSize, grace);
          sessions.add(s);
          s.ended().thenRun(() -> sessions.remove(s));
          s.start();
        });
    if (origins != null && !origins.isEmpty()) {
      b.allowedOrigins(origins.toArray(new String[0]));
    }
    RpcServer rpc = serverOptions.start(b.build(), host);
    ServerOptions.runUntilStopped(rpc, "duplex bridge: listening on " + rpc.uri() + " for "
        + String.join(" ", command) + " (" + f.label + " framing); Ctrl-C stops",
        () -> stop(rpc, sessions), "duplex-bridge-stop");
    return Exit.OK;
  }

  /** Ctrl-C or SIGTERM: closes every connection with 1001 and ends every process. */
  private void stop(RpcServer rpc, Set<BridgeSession> sessions) {
    rpc.close(); // 1001 to every client; each socket's close ends its process
    for (BridgeSession s : sessions) {
      Process p = s.process();
      if (p != null) {
        s.stopProcess(p);
      }
    }
    long deadline = System.nanoTime() + grace.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
    for (BridgeSession s : sessions) {
      Process p = s.process();
      try {
        if (p != null && !p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
