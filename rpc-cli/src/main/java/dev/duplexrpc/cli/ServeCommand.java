package dev.duplexrpc.cli;

import dev.duplexrpc.server.RpcServer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code duplex serve --port P [--host H] [--path /rpc]}. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs a test server.",
        "Starts a server with a test service and prints its URL on stdout (first line).",
        "Methods: echo(value); subtract(minuend, subtrahend), positional or named; sum(a, b, c);",
        "get_data(); update, notify_hello, notify_sum (notifications, shown on stderr);",
        "fail(code, message, data?) answers that error; sleep(millis) answers after a while; callback(method, params?) calls METHOD on",
        "the caller and answers with its answer (duplex clients serve echo).",
        "Event: tick, a counter from 1, every --tick. Runs until Ctrl-C or SIGTERM."})
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  @Option(names = {"-p", "--port"}, required = true, paramLabel = "PORT",
      description = "The port; 0 for an ephemeral one (read the printed URL).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for all).")
  String host;

  @Option(names = "--path", paramLabel = "PATH", defaultValue = "/rpc",
      description = "The endpoint path (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--tick", paramLabel = "DURATION", defaultValue = "1s", converter = Durations.class,
      description = "How often the tick event is published (default: ${DEFAULT-VALUE}).")
  Duration tick;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "Invalid value for option '--port': " + port + " is not in 0..65535");
    }
    if (!path.startsWith("/")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "Invalid value for option '--path': '" + path + "' must start with /");
    }
    RpcServer server = RpcServer.builder()
        .host(host)
        .port(port)
        .path(path)
        .service(new TestService())
        .event("tick")
        .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UserException(Exit.CANNOT_LISTEN,
          "could not listen on " + host + ":" + port + ": " + ClientOptions.rootMessage(e));
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "duplex-serve-tick");
      t.setDaemon(true);
      return t;
    });
    AtomicLong count = new AtomicLong();
    ticker.scheduleAtFixedRate(() -> server.events().publish("tick", count.incrementAndGet()),
        tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ticker.shutdownNow();
      server.close();
      stopped.countDown();
    }, "duplex-serve-stop"));
    Duplex.OUT.println(server.uri());
    Duplex.ERR.println("duplex serve: listening on " + server.uri() + "; Ctrl-C stops");
    stopped.await();
    return Exit.OK;
  }
}
