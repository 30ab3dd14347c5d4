package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.RpcContext;
import dev.duplexrpc.core.TraceContext;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.codec.TraceFields;

/**
 * Where the call path meets the Peer's interceptors: the dispatcher and the call table ask it
 * before a call runs or is sent, and tell the returned {@link Observed} its outcome. Absent (null)
 * when no interceptor is installed, so the path without interceptors is one null check per call.
 */
public interface CallHooks {
  /**
   * Runs the interceptors before an incoming call's handler.
   *
   * @param id the request's id, or null for a notification
   * @param trace its trace context members as received, or null for none
   * @return the call's observer
   * @throws RuntimeException an interceptor's refusal (its outcome already told)
   */
  Observed incoming(String method, Id id, JsonSlice params, TraceFields trace);

  /**
   * Runs the interceptors before an outgoing call is written.
   *
   * @param id the call's own id, or 0 for a notification
   * @return the call's observer
   * @throws RuntimeException an interceptor's refusal (its outcome already told)
   */
  Observed outgoing(String method, long id, MessageWriter.Body params);

  /** One intercepted call, to be told its outcome once (later reports are ignored). */
  interface Observed {
    /** The context the interceptors left on the call, for its handler. */
    RpcContext context();

    /**
     * The trace context to write into an outgoing call: what the interceptors put under {@link
     * dev.duplexrpc.core.TraceContext#PROPAGATE}, when the wire extensions are agreed; else null.
     */
    TraceContext trace();

    /** The call succeeded with a value (null for a notification). */
    void completed(Object value);

    /** The call failed, timed out, was cancelled or closed. */
    void failed(Throwable error);
  }
}
