package dev.duplexrpc.websocket.internal;

/** How the library's message limit, in characters, maps onto Tyrus's byte-sized buffers. */
public final class Limits {
  private Limits() {}

  /** The longest WebSocket frame header: 2 bytes, 8 of extended length and a 4-byte mask. */
  public static final int MAX_FRAME_HEADER = 14;

  /**
   * The largest frame payload, in bytes, that may carry a message of {@code maxChars} characters:
   * UTF-8 needs at most 3 bytes per UTF-16 character (a surrogate pair, 2 characters, takes 4).
   *
   * @param maxChars the message limit in characters
   * @return the payload limit in bytes
   */
  public static long maxFramePayload(int maxChars) {
    return Math.min(3L * maxChars, Integer.MAX_VALUE - MAX_FRAME_HEADER);
  }

  /**
   * The value for Tyrus's {@code org.glassfish.tyrus.incomingBufferSize}: one largest frame with
   * its header.
   *
   * @param maxChars the message limit in characters
   * @return the buffer size in bytes
   */
  public static int incomingBufferSize(int maxChars) {
    return (int) (maxFramePayload(maxChars) + MAX_FRAME_HEADER);
  }
}
