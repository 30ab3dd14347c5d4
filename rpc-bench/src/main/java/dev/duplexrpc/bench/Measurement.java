package dev.duplexrpc.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one measured window produced: the calls and errors counted, the window's length, the latency
 * histogram (when the load records one) and the CPU time and run-queue wait of the server and the
 * generator over the window, with the per-second and per-thread figures derived from them.
 *
 * @param serverWaitNanos time the server's threads spent waiting for a CPU, summed over threads
 * @param generatorWaitNanos the same for the generator's threads
 * @param serverWrites write system calls the server made in the window, or -1 if unknown
 */
record Measurement(long calls, long errors, double seconds, Histogram latency, long serverCpuNanos,
    long generatorCpuNanos, long serverWaitNanos, long generatorWaitNanos, long serverWrites) {
  /** The longest latency recorded; anything slower is recorded as this. */
  static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

  double callsPerSecond() {
    return calls / seconds;
  }

  /** The server's threads waiting for a CPU, on average over the window: above 1, it was starved. */
  double serverThreadsWaiting() {
    return serverWaitNanos < 0 ? Double.NaN : serverWaitNanos / (seconds * 1e9);
  }

  /** The generator's threads waiting for a CPU, on average over the window. */
  double generatorThreadsWaiting() {
    return generatorWaitNanos < 0 ? Double.NaN : generatorWaitNanos / (seconds * 1e9);
  }

  /** Write system calls of the server per call, NaN if unknown. */
  double serverWritesPerCall() {
    return serverWrites < 0 || calls == 0 ? Double.NaN : (double) serverWrites / calls;
  }

  /** This window's counters with the calls counted once the replies are in. */
  Measurement withCalls(long calls, long errors, Histogram latency) {
    return new Measurement(calls, errors, seconds, latency, serverCpuNanos, generatorCpuNanos,
        serverWaitNanos, generatorWaitNanos, serverWrites);
  }
}
