package dev.duplexrpc.cli;

import dev.duplexrpc.server.ConnectionLimits;
import dev.duplexrpc.server.RpcServer;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What {@code serve} and {@code bridge} share: {@code --port}, the connection limits ({@code
 * --handshake-timeout}, {@code --max-connections}, ...), checking them with the command's
 * {@code --path}, listening, and running until Ctrl-C or SIGTERM. Their {@code --host} and {@code
 * --path} stay in each command: the help texts and defaults differ.
 */
final class ServerOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = {"-p", "--port"}, required = true, paramLabel = "PORT",
      description = "The port; 0 for an ephemeral one (read the printed URL).")
  int port;

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
      description = "How long a new connection has to send its whole upgrade request; 0 for no limit. Default: ${DEFAULT-VALUE}.")
  java.time.Duration handshakeTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
      description = "The most connections at once (HTTP 503 past it); keep it under ulimit -n; 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "1024",
      description = "The most connections from one client address (HTTP 429 past it); 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int maxConnectionsPerAddress;

  @Option(names = "--trusted-proxy", paramLabel = "IP",
      description = "A reverse proxy whose X-Forwarded-For is believed for the per-address limits; repeatable.")
  java.util.List<String> trustedProxies = new java.util.ArrayList<>();

  @Option(names = "--max-messages-per-second", paramLabel = "N", defaultValue = "0",
      description = "The most messages a connection may send per second (closed with 1008 past it); 0 for no limit. Default: ${DEFAULT-VALUE}.")
  int maxMessagesPerSecond;

  /**
   * Checks {@code --port} and the command's {@code --path}: bad usage (exit 2) if either is
   * invalid.
   *
   * @param path the command's {@code --path}
   */
  void check(String path) {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--port': " + port + " is not in 0..65535");
    }
    if (!path.startsWith("/")) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--path': '" + path + "' must start with /");
    }
  }

  /**
   * The connection limits from the options (the library's defaults for the rest).
   *
   * @return the limits
   * @throws ParameterException if a value is out of range
   */
  ConnectionLimits limits() {
    try {
      return ConnectionLimits.builder()
          .handshakeTimeout(handshakeTimeout)
          .maxConnections(maxConnections)
          .maxConnectionsPerAddress(maxConnectionsPerAddress)
          .trustedProxies(trustedProxies.toArray(new String[0]))
          .maxMessagesPerSecond(maxMessagesPerSecond)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Starts a server built with {@code --port}.
   *
   * @param server the server
   * @param host the command's {@code --host}, for the message
   * @return the started server
   * @throws UserException exit 8 if it cannot listen
   */
  RpcServer start(RpcServer server, String host) {
    try {
      return server.start();
    } catch (IOException e) {
      throw new UserException(Exit.CANNOT_LISTEN,
          "could not listen on " + host + ":" + port + ": " + ClientOptions.rootMessage(e));
    }
  }

  /**
   * Prints the server's URL as the first line of stdout and {@code started} on stderr, then
   * waits until Ctrl-C or SIGTERM, whose shutdown hook runs {@code stop}.
   *
   * @param server the started server
   * @param started the line for stderr
   * @param stop closes the server and whatever the command runs with it
   * @param hookName the shutdown hook thread's name
   * @throws InterruptedException if interrupted while waiting
   */
  static void runUntilStopped(RpcServer server, String started, Runnable stop, String hookName)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.run();
      stopped.countDown();
    }, hookName));
    Duplex.OUT.println(server.uri());
    Duplex.ERR.println(started);
    stopped.await();
  }
}
