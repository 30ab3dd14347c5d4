/**
 * Streams: {@code Flow.Publisher} results and parameters carried as {@code rpc.stream.*}
 * notifications with credit-based demand (docs/streaming.md, docs/wire.md#streams). One {@link
 * dev.duplexrpc.core.internal.stream.Streams} per connection holds the streams this end produces
 * and those it consumes; the rest of the engine reaches it through a few small hooks.
 */
package dev.duplexrpc.core.internal.stream;
