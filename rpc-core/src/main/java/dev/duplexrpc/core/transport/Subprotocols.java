package dev.duplexrpc.core.transport;

import java.util.List;

/**
 * The WebSocket subprotocols (RFC 6455, section 1.9) with which two ends agree whether to use
 * Duplex RPC's wire extensions: docs/wire.md, "Extensions".
 *
 * <p>A client of this library offers {@link #OFFER}: {@link #PLAIN} first, then {@link #DUPLEX}. A
 * server of this library selects {@link #DUPLEX} when it is offered and the server's extensions
 * are on, else {@link #PLAIN} when that is offered, else none ({@link #select}). A server that
 * knows neither name and picks the first offer without looking, as Node's {@code ws} does by
 * default, so picks {@link #PLAIN}: plain JSON-RPC 2.0, which is what it speaks. Only
 * {@link #DUPLEX} turns extensions on ({@link dev.duplexrpc.core.Peer#extensionsAgreed()}).
 *
 * @since 0.2
 */
public final class Subprotocols {

  /** Plain JSON-RPC 2.0, no extension: {@value}. */
  public static final String PLAIN = "jsonrpc-2.0";

  /** JSON-RPC 2.0 with Duplex RPC's wire extensions, version 1: {@value}. */
  public static final String DUPLEX = "duplex-rpc.1";

  /** What a client offers when its extensions are on, in this order. */
  public static final List<String> OFFER = List.of(PLAIN, DUPLEX);

  /** What a server that accepts extensions supports. */
  public static final List<String> SUPPORTED = List.of(DUPLEX, PLAIN);

  private Subprotocols() {}

  /**
   * What a client offers.
   *
   * @param extensions whether the client's wire extensions are on
   * @return {@link #OFFER} when on, else an empty list (offer nothing, as before extensions)
   */
  public static List<String> offer(boolean extensions) {
    return extensions ? OFFER : List.of();
  }

  /**
   * The subprotocol a server selects from a client's offer.
   *
   * @param requested the client's offer, in its order; never null
   * @param extensions whether the server's wire extensions are on
   * @return {@link #DUPLEX} if offered and {@code extensions}; else {@link #PLAIN} if offered;
   *     else the empty string (no subprotocol)
   */
  public static String select(List<String> requested, boolean extensions) {
    if (extensions && requested.contains(DUPLEX)) {
      return DUPLEX;
    }
    return requested.contains(PLAIN) ? PLAIN : "";
  }

  /**
   * Whether an agreed subprotocol turns extensions on.
   *
   * @param agreed what the handshake agreed, possibly empty or null
   * @return true only for {@link #DUPLEX}
   */
  public static boolean isDuplex(String agreed) {
    return DUPLEX.equals(agreed);
  }
}
