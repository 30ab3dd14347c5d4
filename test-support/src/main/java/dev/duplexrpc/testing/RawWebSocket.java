package dev.duplexrpc.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a bare TCP socket, for tests that need what a well-behaved client
 * never does: stop reading altogether, or send frames that are malformed on purpose. It does the
 * opening handshake and then writes raw bytes; it reads only when asked.
 */
public final class RawWebSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects and does the opening handshake.
   *
   * @param uri a ws:// URI on loopback
   * @param receiveBuffer the socket's receive buffer in bytes (small for a slow reader), or 0 for
   *     the default
   * @param timeoutMillis the read timeout for every read
   */
  public static RawWebSocket connect(URI uri, int receiveBuffer, int timeoutMillis) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMillis);
    s.setSoTimeout(timeoutMillis);
    s.setTcpNoDelay(true);
    RawWebSocket ws = new RawWebSocket(s);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String request = "GET " + path + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    String head = ws.readHead();
    if (!head.startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
    }
    return ws;
  }

  /**
   * Wraps a socket whose opening handshake the caller did itself (see {@link HttpProbe}), its
   * response head read to the end.
   */
  public static RawWebSocket over(Socket s) throws IOException {
    return new RawWebSocket(s);
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** Writes raw bytes (one or more frames, or parts of frames). */
  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends one masked text frame with the given payload, FIN set. */
  public void sendText(String text) throws IOException {
    write(frame(0x1, text.getBytes(StandardCharsets.UTF_8), true, true));
  }

  /**
   * A client frame: FIN flag, opcode, a random masking key when masked, and the payload with the
   * shortest length encoding.
   */
  public static byte[] frame(int opcode, byte[] payload, boolean fin, boolean masked) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | (opcode & 0x0F));
    int maskBit = masked ? 0x80 : 0;
    int n = payload.length;
    if (n < 126) {
      f.write(maskBit | n);
    } else if (n <= 0xFFFF) {
      f.write(maskBit | 126);
      f.write(n >>> 8);
      f.write(n);
    } else {
      f.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) n >>> (8 * i)));
      }
    }
    if (masked) {
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      f.write(mask, 0, 4);
      byte[] p = payload.clone();
      for (int i = 0; i < p.length; i++) {
        p[i] ^= mask[i & 3];
      }
      f.write(p, 0, p.length);
    } else {
      f.write(payload, 0, payload.length);
    }
    return f.toByteArray();
  }

  /** Reads one (unmasked) frame from the server, waiting up to the read timeout. */
  public Frame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    long n = b1 & 0x7F;
    if (n == 126) {
      n = (readByte() << 8) | readByte();
    } else if (n == 127) {
      n = 0;
      for (int i = 0; i < 8; i++) {
        n = (n << 8) | readByte();
      }
    }
    byte[] payload = in.readNBytes((int) n);
    if (payload.length < n) {
      throw new IOException("connection closed inside a frame");
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("connection closed");
    }
    return b;
  }

  /** A frame from the server. */
  public record Frame(boolean fin, int opcode, byte[] payload) {
    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code of a close frame, or -1 without one. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
    }
  }

  /**
   * Reads and discards what the server sent until it closes the TCP connection (end of stream or
   * a reset): true; false if {@code maxBytes} arrive first or a read times out.
   */
  public boolean drainUntilClosed(long maxBytes) {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    try {
      while (total <= maxBytes) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
        total += n;
      }
      return false;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** The underlying socket. */
  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
