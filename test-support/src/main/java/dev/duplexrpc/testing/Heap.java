package dev.duplexrpc.testing;

/** Heap figures for tests that bound memory. */
public final class Heap {
  private Heap() {}

  /** Used heap in bytes after asking for full collections (a few, to let references clear). */
  public static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** Bytes as MiB with one decimal. */
  public static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
