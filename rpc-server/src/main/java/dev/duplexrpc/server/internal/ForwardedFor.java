package dev.duplexrpc.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;

/**
 * The client behind trusted proxies, read from an {@code X-Forwarded-For} header: the hops from
 * the right, each trusted proxy skipped, up to the first address no trusted proxy owns. Only
 * literal addresses are believed (nothing is resolved); garbage stops the walk. Stateless.
 */
final class ForwardedFor {
  private ForwardedFor() {}

  /**
   * The client a trusted proxy forwards.
   *
   * @param socket the socket's remote address, a trusted proxy's
   * @param trusted the trusted proxies
   * @param header the {@code X-Forwarded-For} value, or null
   * @return the client; {@code socket} when the header names none
   */
  static InetAddress client(InetAddress socket, Set<InetAddress> trusted, String header) {
    InetAddress client = socket;
    if (header != null) {
      String[] hops = header.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        InetAddress hop;
        try {
          hop = literalOrNull(hops[i].trim());
        } catch (RuntimeException e) {
          hop = null;
        }
        if (hop == null) {
          break; // garbage: believe nothing further left
        }
        client = hop;
        if (!trusted.contains(hop)) {
          break;
        }
      }
    }
    return client;
  }

  private static InetAddress literalOrNull(String s) {
    String a = s;
    if (a.startsWith("[")) {
      int end = a.indexOf(']');
      a = end < 0 ? a : a.substring(1, end);
    } else if (a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':')) {
      a = a.substring(0, a.indexOf(':')); // IPv4 with a port
    }
    if (a.isEmpty() || !(a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')))) {
      return null;
    }
    try {
      return InetAddress.getByName(a);
    } catch (IOException e) {
      return null;
    }
  }
}
