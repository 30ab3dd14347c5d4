package dev.duplexrpc.cli;

import dev.duplexrpc.server.RpcServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
final class ServeCommand implements Callable<Integer> {

  @Mixin
  ServerOptions serverOptions;

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
    serverOptions.check(path);
    RpcServer rpc = serverOptions.start(RpcServer.builder()
        .host(host)
        .port(serverOptions.port)
        .connectionLimits(serverOptions.limits())
        .path(path)
        .service(new TestService())
        .event("tick")
        .build(), host);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "duplex-serve-tick");
      t.setDaemon(true);
      return t;
    });
    AtomicLong count = new AtomicLong();
    ticker.scheduleAtFixedRate(() -> rpc.events().publish("tick", count.incrementAndGet()),
        tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    ServerOptions.runUntilStopped(rpc, "duplex serve: listening on " + rpc.uri() + "; Ctrl-C stops", () -> {
      ticker.shutdownNow();
      rpc.close();
    }, "duplex-serve-stop");
    return Exit.OK;
  }
}
