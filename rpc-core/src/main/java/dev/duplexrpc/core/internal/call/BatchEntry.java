package dev.duplexrpc.core.internal.call;

import com.google.gson.TypeAdapter;
import dev.duplexrpc.core.internal.codec.MessageWriter;

/**
 * One item of an outgoing batch: a call when {@code future} is set, else a notification.
 *
 * @param method the wire name
 * @param params the params body, or null for none
 * @param adapter the result's adapter (calls only; null for none)
 * @param future the call's future, or null for a notification
 */
public record BatchEntry(
    String method, MessageWriter.Body params, TypeAdapter<?> adapter, CallFuture<Object> future) {}
