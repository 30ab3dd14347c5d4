package dev.duplexrpc.core;

import java.util.Objects;

/**
 * The W3C Trace Context of a call (<a href="https://www.w3.org/TR/trace-context/">traceparent and
 * tracestate</a>), as it travels between two Peers of this library: the fields are carried as the
 * top-level request members {@code "traceparent"} and {@code "tracestate"}, only on a connection
 * whose two ends agreed the wire extensions ({@link Peer#extensionsAgreed()}; docs/wire.md,
 * "Extensions"). Not tied to any tracing library: an {@link RpcInterceptor} reads and writes it
 * through two {@link RpcContext} keys.
 *
 * <pre>{@code
 * RpcInterceptor tracing = call -> {
 *   if (call.direction() == RpcCall.Direction.INCOMING) {
 *     TraceContext parent = call.context().get(TraceContext.REMOTE_PARENT); // what the caller sent
 *     // ... start a span with that parent
 *   } else {
 *     call.put(TraceContext.PROPAGATE, TraceContext.of(traceparentOfMySpan, null)); // sent with it
 *   }
 *   return null;
 * };
 * }</pre>
 *
 * <p>Immutable and thread-safe. The library does not interpret the values beyond checking that
 * each is printable ASCII of at most {@value #MAX_LENGTH} characters: a received value that is not
 * is ignored, a value to send that is not is refused by {@link #of}.
 *
 * @since 0.2
 */
public final class TraceContext {
  /** The name of the member (and W3C header) that carries the parent span: {@value}. */
  public static final String TRACEPARENT = "traceparent";

  /** The name of the member (and W3C header) that carries vendor trace state: {@value}. */
  public static final String TRACESTATE = "tracestate";

  /** The longest value of either field accepted or sent, in characters: {@value}. */
  public static final int MAX_LENGTH = 512;

  /**
   * The trace context a call continues: on an incoming call, what the caller sent with it (absent
   * when it sent none or the wire extensions are not agreed); on an outgoing call made on another
   * node's behalf (the cluster relay), what that node sent. Set by the library.
   */
  public static final RpcContext.Key<TraceContext> REMOTE_PARENT =
      RpcContext.Key.named("traceContext.remoteParent", TraceContext.class);

  /**
   * The trace context to send with an outgoing call: put by an interceptor, written into the
   * request or notification when the wire extensions are agreed, and dropped otherwise.
   */
  public static final RpcContext.Key<TraceContext> PROPAGATE =
      RpcContext.Key.named("traceContext.propagate", TraceContext.class);

  private final String traceparent;
  private final String tracestate;

  private TraceContext(String traceparent, String tracestate) {
    this.traceparent = traceparent;
    this.tracestate = tracestate;
  }

  /**
   * A trace context to send.
   *
   * @param traceparent the {@code traceparent} value, e.g. {@code
   *     00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
   * @param tracestate the {@code tracestate} value, or null (or empty) for none
   * @return the trace context
   * @throws IllegalArgumentException if a value is empty (traceparent), longer than {@value
   *     #MAX_LENGTH} characters or not printable ASCII
   */
  public static TraceContext of(String traceparent, String tracestate) {
    Objects.requireNonNull(traceparent, "traceparent == null");
    check(TRACEPARENT, traceparent);
    if (traceparent.isEmpty()) {
      throw new IllegalArgumentException("traceparent is empty");
    }
    if (tracestate != null) {
      check(TRACESTATE, tracestate);
    }
    return new TraceContext(traceparent, tracestate == null || tracestate.isEmpty() ? null : tracestate);
  }

  /** A received context, or null when the values are absent or not acceptable. */
  static TraceContext received(String traceparent, String tracestate) {
    if (traceparent == null || traceparent.isEmpty() || !acceptable(traceparent)) {
      return null;
    }
    return new TraceContext(traceparent,
        tracestate == null || tracestate.isEmpty() || !acceptable(tracestate) ? null : tracestate);
  }

  private static void check(String field, String value) {
    if (!acceptable(value)) {
      throw new IllegalArgumentException(field + " must be printable ASCII of at most " + MAX_LENGTH
          + " characters: " + (value.length() > 64 ? value.substring(0, 64) + "..." : value));
    }
  }

  private static boolean acceptable(String value) {
    if (value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The {@code traceparent} value.
   *
   * @return the value, never null
   */
  public String traceparent() {
    return traceparent;
  }

  /**
   * The {@code tracestate} value.
   *
   * @return the value, or null when there is none
   */
  public String tracestate() {
    return tracestate;
  }

  /**
   * A field by its name, for a propagator's getter.
   *
   * @param field {@value #TRACEPARENT} or {@value #TRACESTATE} (case-insensitive)
   * @return the value, or null for another name or an absent {@code tracestate}
   */
  public String get(String field) {
    if (TRACEPARENT.equalsIgnoreCase(field)) {
      return traceparent;
    }
    return TRACESTATE.equalsIgnoreCase(field) ? tracestate : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceContext t && traceparent.equals(t.traceparent)
        && Objects.equals(tracestate, t.tracestate);
  }

  @Override
  public int hashCode() {
    return traceparent.hashCode() * 31 + Objects.hashCode(tracestate);
  }

  @Override
  public String toString() {
    return "TraceContext[" + traceparent + (tracestate == null ? "" : ", " + tracestate) + "]";
  }
}
