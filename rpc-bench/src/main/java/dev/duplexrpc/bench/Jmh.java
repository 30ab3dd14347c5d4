package dev.duplexrpc.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the JMH microbenchmarks in this module (by default all of them, with the GC profiler for
 * allocation per call). Arguments are JMH's own.
 *
 * <pre>{@code
 * java -cp rpc-bench/target/rpc-bench.jar dev.duplexrpc.bench.Jmh            # CorePathBenchmark -prof gc
 * java -cp rpc-bench/target/rpc-bench.jar dev.duplexrpc.bench.Jmh -h         # JMH's options
 * }</pre>
 */
public final class Jmh {
  private Jmh() {}

  /**
   * Runs JMH.
   *
   * @param args JMH's arguments; none runs {@code CorePathBenchmark} with {@code -prof gc}
   * @throws Exception from JMH
   */
  public static void main(String[] args) throws Exception {
    List<String> a = new ArrayList<>(Arrays.asList(args));
    if (a.isEmpty()) {
      a.addAll(List.of("dev.duplexrpc.bench.jmh.CorePathBenchmark", "-prof", "gc"));
    }
    org.openjdk.jmh.Main.main(a.toArray(new String[0]));
  }
}
