package dev.duplexrpc.bench.servers;

import java.util.Map;
import org.glassfish.grizzly.IOStrategy;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.LeaderFollowerNIOStrategy;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.strategies.SimpleDynamicNIOStrategy;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * Grizzly transport settings a target can be started with ({@code key=value} arguments), to
 * explore what closes the gap to the fastest servers. Absent keys keep Tyrus's stock setup
 * (worker-thread I/O strategy, Grizzly's default pools).
 *
 * <ul>
 *   <li>{@code io=worker|same|leader|dynamic}: the I/O strategy;
 *   <li>{@code selectors=N}: selector runner threads;
 *   <li>{@code workers=N}: worker pool core and max size.
 * </ul>
 */
record GrizzlySettings(String io, int selectors, int workers) {
  static GrizzlySettings of(Map<String, String> args) {
    return new GrizzlySettings(
        args.getOrDefault("io", "worker"),
        Integer.parseInt(args.getOrDefault("selectors", "0")),
        Integer.parseInt(args.getOrDefault("workers", "0")));
  }

  void apply(TCPNIOTransport transport) {
    transport.setIOStrategy(strategy());
    if (selectors > 0) {
      transport.setSelectorRunnersCount(selectors);
      ThreadPoolConfig kernel = transport.getKernelThreadPoolConfig();
      if (kernel != null) {
        kernel.setCorePoolSize(selectors).setMaxPoolSize(selectors);
      }
    }
    if (workers > 0) {
      ThreadPoolConfig worker = transport.getWorkerThreadPoolConfig();
      if (worker != null) {
        worker.setCorePoolSize(workers).setMaxPoolSize(workers);
      }
    }
  }

  private IOStrategy strategy() {
    switch (io) {
      case "worker":
        return WorkerThreadIOStrategy.getInstance();
      case "same":
        return SameThreadIOStrategy.getInstance();
      case "leader":
        return LeaderFollowerNIOStrategy.getInstance();
      case "dynamic":
        return SimpleDynamicNIOStrategy.getInstance();
      default:
        throw new IllegalArgumentException("io=" + io + ": one of worker, same, leader, dynamic");
    }
  }
}
