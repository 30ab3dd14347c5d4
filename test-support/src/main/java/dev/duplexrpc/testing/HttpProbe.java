package dev.duplexrpc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hand-made HTTP upgrade requests over plain sockets bound to a chosen loopback source address
 * (127.0.0.2, say, to be another client than the JDK's): to send them whole, in slow pieces, or
 * never finished, and to read the status the server answers with.
 */
public final class HttpProbe {
  private HttpProbe() {}

  /** An upgrade request for {@code uri} with extra header lines ("Name: value"). */
  public static String upgradeRequest(URI uri, String... headers) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder r = new StringBuilder("GET " + path + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return r.append("\r\n").toString();
  }

  /** A socket from {@code localHost} (any port) to the server of {@code uri}, with a read timeout. */
  public static Socket open(String localHost, URI uri, int timeoutMillis) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localHost, 0));
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis);
    s.setSoTimeout(timeoutMillis);
    s.setTcpNoDelay(true);
    return s;
  }

  /**
   * Sends {@code request} (whatever can be sent: a server that answered early may have closed) and
   * reads the response head; the socket stays open after a 101.
   *
   * @return the status code
   */
  public static int send(Socket s, String request) throws IOException {
    try {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    } catch (IOException e) {
      // refused before the request was read: the answer may be waiting anyway
    }
    return status(readHead(s));
  }

  /** Opens a socket from {@code localHost}, sends a whole upgrade request, returns the status; closes unless 101. */
  public static int upgrade(String localHost, URI uri, String... headers) throws IOException {
    Socket s = open(localHost, uri, 10_000);
    int status = send(s, upgradeRequest(uri, headers));
    if (status != 101) {
      s.close();
    }
    return status;
  }

  /** Reads up to the end of the response head, byte by byte (nothing past it is consumed). */
  public static String readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before a response head: " + head.toString(StandardCharsets.US_ASCII));
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** The status code of a response head. */
  public static int status(String head) {
    String[] parts = head.split(" ", 3);
    return Integer.parseInt(parts[1]);
  }

  /**
   * Whether the server closed the socket: a read returns end of stream or a reset within the
   * socket's read timeout (which otherwise fails with a timeout).
   */
  public static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }
}
