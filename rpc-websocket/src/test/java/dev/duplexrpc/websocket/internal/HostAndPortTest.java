package dev.duplexrpc.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The server address of telemetry, from a Host header or a URI's host and port. */
class HostAndPortTest {
  private static String of(String host, int defaultPort) {
    InetSocketAddress a = SessionTransport.hostAndPort(host, defaultPort);
    return a == null ? null : a.getHostString() + " " + a.getPort() + (a.isUnresolved() ? "" : " resolved");
  }

  @Test
  void hostHeadersAndUriHostsReadAsHostAndPort() {
    assertEquals("example.com 8443", of("example.com:8443", 0));
    assertEquals("example.com 0", of("example.com", 0));
    assertEquals("example.com 443", of("example.com", 443));
    assertEquals("::1 80", of("[::1]:80", 0));
    assertEquals("::1 443", of("[::1]", 443));
    assertEquals("example.com 0", of("example.com:99999", 0));
    assertEquals("example.com 0", of("example.com:x", 0));
    assertNull(of(null, 80));
    assertNull(of(" ", 80));
  }
}
