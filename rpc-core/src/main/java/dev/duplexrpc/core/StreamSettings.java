package dev.duplexrpc.core;

/**
 * The limits of streams ({@code Flow.Publisher} results and parameters) on one connection,
 * immutable, each with its default; set on {@link PeerConfig.Builder#streams(StreamSettings)}. See
 * docs/streaming.md.
 *
 * <pre>{@code
 * PeerConfig config = PeerConfig.builder()
 *     .streams(StreamSettings.builder().window(64).maxStreams(32).build())
 *     .build();
 * }</pre>
 *
 * Instances are thread-safe; a {@link Builder} is not.
 *
 * @since 0.2
 */
public final class StreamSettings {
  /** Default {@link Builder#maxStreams(int)}: 256. */
  public static final int DEFAULT_MAX_STREAMS = 256;
  /** Default {@link Builder#window(int)}: 256 items. */
  public static final int DEFAULT_WINDOW = 256;
  /** Default {@link Builder#maxItemSize(int)}: 65,536 characters. */
  public static final int DEFAULT_MAX_ITEM_SIZE = 64 * 1024;

  private static final StreamSettings DEFAULTS = new Builder().build();

  private final int maxStreams;
  private final int window;
  private final int maxItemSize;

  private StreamSettings(Builder b) {
    this.maxStreams = b.maxStreams;
    this.window = b.window;
    this.maxItemSize = b.maxItemSize;
  }

  /**
   * A builder with every default set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The settings with every default.
   *
   * @return the default settings
   */
  public static StreamSettings defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with these settings, to derive a variant.
   *
   * @return a new builder
   */
  public Builder newBuilder() {
    return new Builder().maxStreams(maxStreams).window(window).maxItemSize(maxItemSize);
  }

  /**
   * Streams open at once on one connection, both directions together.
   *
   * @return the limit
   */
  public int maxStreams() {
    return maxStreams;
  }

  /**
   * Items a consumer lets the producer send ahead of what it has handed to its subscriber.
   *
   * @return the credit window, in items
   */
  public int window() {
    return window;
  }

  /**
   * The largest serialized item a producer sends, in characters.
   *
   * @return the limit
   */
  public int maxItemSize() {
    return maxItemSize;
  }

  @Override
  public String toString() {
    return "StreamSettings[maxStreams=" + maxStreams + ", window=" + window + ", maxItemSize="
        + maxItemSize + "]";
  }

  /**
   * Builds {@link StreamSettings}. Every setter validates its argument at once.
   *
   * @since 0.2
   */
  public static final class Builder {
    private int maxStreams = DEFAULT_MAX_STREAMS;
    private int window = DEFAULT_WINDOW;
    private int maxItemSize = DEFAULT_MAX_ITEM_SIZE;

    Builder() {}

    /**
     * Streams open at once on one connection, in both directions together. Past it a stream
     * result is answered -32003 {@code Limit exceeded} instead, and a stream the other end
     * offers is refused with the same error. Default 256; at least 1.
     *
     * @param streams the limit
     * @return this builder
     */
    public Builder maxStreams(int streams) {
      if (streams < 1) {
        throw new IllegalArgumentException("maxStreams < 1: " + streams);
      }
      this.maxStreams = streams;
      return this;
    }

    /**
     * The credit window: how many items a consumer lets the producer send beyond those its
     * subscriber has taken. A producer also never holds more than this many items unsent.
     * Default 256; at least 1.
     *
     * @param items the window
     * @return this builder
     */
    public Builder window(int items) {
      if (items < 1) {
        throw new IllegalArgumentException("window < 1: " + items);
      }
      this.window = items;
      return this;
    }

    /**
     * The largest item a producer sends, serialized, in characters (at most the message size
     * limit allows). A larger item ends the stream with -32003 {@code Limit exceeded} for the
     * consumer and cancels the producer. Default 65,536; at least 16.
     *
     * @param chars the limit
     * @return this builder
     */
    public Builder maxItemSize(int chars) {
      if (chars < 16) {
        throw new IllegalArgumentException("maxItemSize < 16: " + chars);
      }
      this.maxItemSize = chars;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the immutable settings
     */
    public StreamSettings build() {
      return new StreamSettings(this);
    }
  }
}
