package dev.duplexrpc.core.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The process-wide counts behind {@link dev.duplexrpc.core.RpcCounters}: incremented where each
 * event happens (the dispatcher, the receiver, the WebSocket layer, the reconnecting client),
 * read by metrics. Rare events only, so nothing on the per-call path.
 */
public final class EventCounters {
  public static final LongAdder OVERLOADED = new LongAdder();
  public static final LongAdder TOO_LARGE = new LongAdder();
  public static final LongAdder SLOW_READERS = new LongAdder();
  public static final LongAdder HEARTBEAT_DROPS = new LongAdder();
  public static final LongAdder RECONNECTS = new LongAdder();

  private EventCounters() {}
}
