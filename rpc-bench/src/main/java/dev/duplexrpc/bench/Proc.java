package dev.duplexrpc.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time and resident memory of a process, from /proc where there is one. */
final class Proc {
  private Proc() {}

  /** Clock ticks per second of /proc/[pid]/stat: 100 on Linux (USER_HZ). */
  private static final long TICKS_PER_SECOND = 100;

  /** User plus system CPU time in nanoseconds, or -1 if unknown. */
  static long cpuNanos(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isReadable(stat)) {
      try {
        String s = Files.readString(stat, StandardCharsets.US_ASCII);
        // Fields after the command, which is in parentheses and may hold spaces.
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
      } catch (IOException | RuntimeException e) {
        // fall through to ProcessHandle
      }
    }
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(-1L);
  }

  /**
   * Time the process's threads have spent runnable but waiting for a CPU, summed over its live
   * threads ({@code /proc/[pid]/task/[tid]/schedstat}, second field), in nanoseconds; -1 if unknown.
   * Two readings apart, divided by the time between them, give the average number of its threads
   * that were ready to run and could not: above about 1, the machine starved the process.
   */
  static long runQueueWaitNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long sum = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
      for (Path t : ds) {
        try {
          String s = Files.readString(t.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
          int a = s.indexOf(' ');
          int b = s.indexOf(' ', a + 1);
          sum += Long.parseLong(s.substring(a + 1, b < 0 ? s.length() : b));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return sum;
  }

  /**
   * Write system calls the process has made so far ({@code syscw} of {@code /proc/[pid]/io}: every
   * {@code write}, {@code writev}, {@code sendto}...), or -1 if unknown. Per call, it shows how many
   * writes a reply costs, whatever the machine's load.
   */
  static long writeSyscalls(long pid) {
    Path io = Path.of("/proc", Long.toString(pid), "io");
    try {
      for (String line : Files.readAllLines(io, StandardCharsets.US_ASCII)) {
        if (line.startsWith("syscw:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** VmRSS in bytes, or -1 if unknown. */
  static long rssBytes(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String v = line.substring(6).trim();
          return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
