/**
 * Annotations that turn plain Java interfaces and classes into JSON-RPC services: {@link
 * dev.duplexrpc.core.annotation.RpcService}, {@link dev.duplexrpc.core.annotation.RpcMethod},
 * {@link dev.duplexrpc.core.annotation.RpcNotification}, {@link
 * dev.duplexrpc.core.annotation.RpcParam} and {@link dev.duplexrpc.core.annotation.RpcError} (which
 * documents a method's errors in its OpenRPC description).
 *
 * <p>The same annotated interface is implemented by the side that serves it and turned into a
 * typed proxy by the side that calls it.
 */
package dev.duplexrpc.core.annotation;
