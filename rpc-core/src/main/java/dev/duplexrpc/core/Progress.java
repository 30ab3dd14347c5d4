package dev.duplexrpc.core;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Progress of a long call, on the Language Server Protocol's {@code $/progress} convention (work
 * done progress: begin, report, end). A method takes it as a parameter; the caller passes one made
 * with {@link #of(Consumer)} and sees the handler's updates, the handler calls {@link #begin},
 * {@link #report} and {@link #end} on the one it is given. See docs/streaming.md#progress.
 *
 * <pre>{@code
 * @RpcMethod int reindex(String path, Progress workDoneToken);          // the shared interface
 *
 * public int reindex(String path, Progress progress) {                   // the handler
 *   progress.begin("Reindexing", path, 0);
 *   progress.report("half way", 50);
 *   progress.end("done");
 *   return 42;
 * }
 *
 * index.reindex("/src", Progress.of(u -> System.out.println(u)));        // the caller
 * }</pre>
 *
 * On the wire the parameter is the progress token (a string, or a number from a foreign caller);
 * each update is a {@code $/progress} notification {@code {"token": …, "value": {"kind": …}}} to
 * the caller while the call runs. A caller that passes {@code null} or leaves the parameter out
 * gets no updates, and the handler's calls do nothing. Thread-safe.
 *
 * @since 0.2
 */
public final class Progress {
  private static final Progress NONE = new Progress(u -> { });

  private final Consumer<Update> sink;

  private Progress(Consumer<Update> sink) {
    this.sink = sink;
  }

  /**
   * A progress whose updates go to {@code listener}: pass it to a call to observe the handler's
   * progress (the listener runs on the Peer's executor, one update at a time, in order).
   *
   * @param listener receives each update
   * @return the progress
   */
  public static Progress of(Consumer<Update> listener) {
    return new Progress(Objects.requireNonNull(listener, "listener == null"));
  }

  /**
   * A progress that ignores every update: what a handler gets when the caller wants none.
   *
   * @return the progress
   */
  public static Progress none() {
    return NONE;
  }

  /**
   * Starts the progress ({@code "kind": "begin"}).
   *
   * @param title what is being done, for example {@code "Indexing"}
   * @param message details, or null
   * @param percentage 0 to 100, or null when unknown
   */
  public void begin(String title, String message, Integer percentage) {
    update(new Update("begin", Objects.requireNonNull(title, "title == null"), message, percentage));
  }

  /**
   * Reports progress ({@code "kind": "report"}).
   *
   * @param message details, or null
   * @param percentage 0 to 100, or null when unknown
   */
  public void report(String message, Integer percentage) {
    update(new Update("report", null, message, percentage));
  }

  /**
   * Ends the progress ({@code "kind": "end"}).
   *
   * @param message a final message, or null
   */
  public void end(String message) {
    update(new Update("end", null, message, null));
  }

  /**
   * Hands an update to this progress's listener.
   *
   * @param update the update
   */
  public void update(Update update) {
    sink.accept(Objects.requireNonNull(update, "update == null"));
  }

  /**
   * One progress update: LSP's {@code WorkDoneProgressBegin}, {@code Report} or {@code End}.
   *
   * @param kind {@code "begin"}, {@code "report"} or {@code "end"}
   * @param title the title of a begin, else null
   * @param message details, or null
   * @param percentage 0 to 100, or null
   * @since 0.2
   */
  public record Update(String kind, String title, String message, Integer percentage) {
    /**
     * Checks the kind and the percentage.
     *
     * @throws IllegalArgumentException if the kind is not begin, report or end, or the percentage
     *     is not within 0 to 100
     */
    public Update {
      if (!"begin".equals(kind) && !"report".equals(kind) && !"end".equals(kind)) {
        throw new IllegalArgumentException("kind must be begin, report or end: " + kind);
      }
      if (percentage != null && (percentage < 0 || percentage > 100)) {
        throw new IllegalArgumentException("percentage not within 0..100: " + percentage);
      }
    }
  }
}
