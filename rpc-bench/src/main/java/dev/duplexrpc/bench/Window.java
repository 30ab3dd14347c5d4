package dev.duplexrpc.bench;

import org.HdrHistogram.Histogram;

/**
 * A measured window: reads the server's and the generator's CPU time and run-queue wait when it
 * opens, and again when it is closed, and turns the differences and the elapsed time into a {@link
 * Measurement}. It counts no calls itself; the load that ran during the window supplies them.
 */
final class Window {
  private final LoadGenerator.Server server;
  private final long t0;
  private final long cpu0;
  private final long wait0;
  private final long gen0;
  private final long genWait0;
  private final long writes0;

  Window(LoadGenerator.Server server) {
    this.server = server;
    long self = ProcessHandle.current().pid();
    this.cpu0 = server.cpuNanos();
    this.wait0 = server.runQueueWaitNanos();
    this.writes0 = server.writeSyscalls();
    this.gen0 = Proc.cpuNanos(self);
    this.genWait0 = Proc.runQueueWaitNanos(self);
    this.t0 = System.nanoTime();
  }

  /** Ends the window (time first, then the counters) and returns its measurement. */
  Measurement close(long calls, long errors, Histogram latency) {
    long t1 = System.nanoTime();
    long self = ProcessHandle.current().pid();
    long cpu1 = server.cpuNanos();
    long wait1 = server.runQueueWaitNanos();
    long writes1 = server.writeSyscalls();
    long gen1 = Proc.cpuNanos(self);
    long genWait1 = Proc.runQueueWaitNanos(self);
    return new Measurement(calls, errors, (t1 - t0) / 1e9, latency, cpu1 - cpu0, gen1 - gen0,
        wait0 < 0 || wait1 < 0 ? -1 : wait1 - wait0, genWait0 < 0 || genWait1 < 0 ? -1 : genWait1 - genWait0,
        writes0 < 0 || writes1 < 0 ? -1 : writes1 - writes0);
  }
}
