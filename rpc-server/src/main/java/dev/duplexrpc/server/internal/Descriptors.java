package dev.duplexrpc.server.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Runs, once per JVM and while file descriptors are plentiful, what the JDK initialises lazily on
 * the first socket close and other first uses, and what that initialisation needs a descriptor
 * for.
 *
 * <p>Why: the JDK's {@code sun.nio.ch.FileDispatcherImpl} opens a descriptor in its static
 * initialiser (the one it later duplicates over a socket being closed), and it first runs at the
 * first close of a socket channel. A fresh server that runs out of descriptors before closing any
 * socket fails that initialisation ({@code ExceptionInInitializerError}), and from then on every
 * close fails with {@code NoClassDefFoundError}: the server never recovers. Opening, using and
 * closing a listening socket, a connection, a pipe and a selector here, at the start, gets every
 * such first use done.
 */
final class Descriptors {
  private static final System.Logger LOG = System.getLogger(Descriptors.class.getName());
  private static volatile boolean warm;

  private Descriptors() {}

  /** Does the first uses; quick (one loopback connection), and only once per JVM. */
  static synchronized void warmUp() {
    if (warm) {
      return;
    }
    try (ServerSocketChannel server = ServerSocketChannel.open();
         Selector selector = Selector.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
           SocketChannel accepted = server.accept()) {
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        client.write(ByteBuffer.wrap(new byte[] {1}));
        accepted.read(ByteBuffer.allocate(1));
        accepted.configureBlocking(false);
        SelectionKey key = accepted.register(selector, SelectionKey.OP_READ);
        selector.selectNow();
        key.cancel();
        client.shutdownOutput();
      }
      server.configureBlocking(false);
      server.accept(); // none waiting: null
      Pipe pipe = Pipe.open();
      pipe.sink().close();
      pipe.source().close();
      warm = true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Could not prepare the socket classes at start; if the process runs out of file "
          + "descriptors before its first socket close, it may not recover", e);
    }
  }
}
