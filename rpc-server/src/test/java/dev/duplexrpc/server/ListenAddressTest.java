package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded server listens on the host it was given and nowhere else (Tyrus's ready-made
 * Grizzly container would bind 0.0.0.0).
 *
 * <p>Two probes, each checked first against a socket bound to the wildcard address, so that a
 * probe which cannot tell the difference fails the test instead of passing it:
 *
 * <ul>
 *   <li>a TCP connect to 127.0.0.2 (another loopback address; a wildcard listener accepts there);
 *   <li>binding the same port on each non-loopback IPv4 address of this machine, which fails
 *       while a wildcard listener holds the port. Binding sends no packet, so no traffic leaves
 *       the loopback interface.
 * </ul>
 */
class ListenAddressTest {

  /** Any service. */
  public interface Hello {
    @RpcMethod
    String hello();
  }

  private static final InetAddress OTHER_LOOPBACK = address(127, 0, 0, 2);

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static RpcServer start(String host) throws IOException {
    return RpcServer.builder().host(host).service((Hello) () -> "hi").build().start();
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code port} can be bound on {@code address}: false while something listens there. */
  private static boolean bindable(InetAddress address, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<InetAddress> nonLoopbackIpv4() throws SocketException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          out.add(a);
        }
      }
    }
    return out;
  }

  @Test
  void ephemeralPortIsReadableAfterStart() throws Exception {
    RpcServer server = RpcServer.builder().service((Hello) () -> "hi").build();
    assertThrows(IllegalStateException.class, server::port);
    try (RpcServer started = server.start()) {
      assertNotEquals(0, started.port());
      assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), started.port()),
          started.address());
      assertEquals("ws://127.0.0.1:" + started.port() + "/", started.uri().toString());
      assertEquals("hi",
          RpcClient.builder().uri(started.uri()).build().connect().remote(Hello.class).hello());
    }
  }

  @Test
  void probesTellAWildcardListenerApart() throws Exception {
    try (ServerSocket wildcard = new ServerSocket()) {
      wildcard.bind(new InetSocketAddress((InetAddress) null, 0));
      int port = wildcard.getLocalPort();
      assertTrue(accepts(OTHER_LOOPBACK, port), "a wildcard listener accepts on 127.0.0.2");
      for (InetAddress a : nonLoopbackIpv4()) {
        assertFalse(bindable(a, port), "a wildcard listener holds the port on " + a);
      }
    }
  }

  @Test
  void serverBoundToLoopbackIsNotReachableOnOtherAddresses() throws Exception {
    try (RpcServer server = start("127.0.0.1")) {
      int port = server.port();
      assertTrue(accepts(InetAddress.getByName("127.0.0.1"), port));
      assertFalse(accepts(OTHER_LOOPBACK, port), "reachable on 127.0.0.2");
      for (InetAddress a : nonLoopbackIpv4()) {
        assertTrue(bindable(a, port), "the server holds port " + port + " on " + a);
      }
    }
  }

  @Test
  void serverBoundToAnotherLoopbackAddressListensThereOnly() throws Exception {
    try (RpcServer server = start("127.0.0.2")) {
      assertTrue(accepts(OTHER_LOOPBACK, server.port()));
      assertFalse(accepts(InetAddress.getByName("127.0.0.1"), server.port()), "reachable on 127.0.0.1");
      assertEquals("hi",
          RpcClient.builder().uri(server.uri()).build().connect().remote(Hello.class).hello());
    }
  }
}
