package dev.duplexrpc.core.internal.resume;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbered messages a side has sent and the other has not acknowledged, bounded in UTF-8
 * bytes. Not thread-safe: the {@link SequencedTransport} guards it.
 */
final class ReplayBuffer {
  private record Entry(long seq, String text, long bytes) {}

  private final long capacity;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long bytes;
  private long lastSeq; // the number of the last message added: messages are numbered from 1

  ReplayBuffer(long capacity) {
    this.capacity = capacity;
  }

  /** Whether {@code size} more bytes fit; an empty buffer takes one message of any size. */
  boolean fits(long size) {
    return entries.isEmpty() || bytes + size <= capacity;
  }

  /** Numbers and keeps a message; returns its number. */
  long add(String text, long size) {
    entries.addLast(new Entry(++lastSeq, text, size));
    bytes += size;
    return lastSeq;
  }

  /** Drops the messages numbered up to {@code received}; returns whether any was dropped. */
  boolean acknowledge(long received) {
    boolean any = false;
    while (!entries.isEmpty() && entries.peekFirst().seq() <= received) {
      bytes -= entries.pollFirst().bytes();
      any = true;
    }
    return any;
  }

  /**
   * The messages after {@code received}, in order, or null if some of them are no longer here
   * (the other end reports fewer than it acknowledged: it is not the same session).
   */
  List<String> after(long received) {
    if (received > lastSeq) {
      return null;
    }
    long first = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().seq();
    if (received + 1 < first) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.seq() > received) {
        out.add(e.text());
      }
    }
    return out;
  }

  long lastSeq() {
    return lastSeq;
  }

  long bytes() {
    return bytes;
  }

  int size() {
    return entries.size();
  }
}
