package dev.duplexrpc.server.internal;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
 *
 * <p>Classes are loaded lazily too: from a jar that is already open that needs no descriptor, but
 * from a class folder (an IDE, a build's test run) each class is a file to open. So when this
 * library runs from class folders, every one of its classes is loaded (not initialised) here, or
 * a close path first taken while no descriptor is left would fail with {@code
 * NoClassDefFoundError}, possibly on a selector thread.
 */
final class Descriptors {
  /** One class of each of the library's modules on a connection's path. */
  private static final String[] MODULE_CLASSES = {
    "dev.duplexrpc.core.Peer", "dev.duplexrpc.client.internal.SessionTransport", Descriptors.class.getName()
  };

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
      loadFromClassFolders();
      // A log line's time stamp reads the time zone database (a file) the first time.
      String.format("%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp %1$tZ", java.time.ZonedDateTime.now());
      warm = true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "Could not prepare the socket classes at start; if the process runs out of file "
          + "descriptors before its first socket close, it may not recover", e);
    }
  }

  private static void loadFromClassFolders() {
    ClassLoader loader = Descriptors.class.getClassLoader();
    for (String name : MODULE_CLASSES) {
      try {
        CodeSource source = Class.forName(name, false, loader).getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
          continue;
        }
        Path root = Path.of(source.getLocation().toURI());
        if (!Files.isDirectory(root)) {
          continue; // a jar: held open once loaded from
        }
        List<String> classes;
        try (Stream<Path> files = Files.walk(root)) {
          classes = files.filter(f -> f.toString().endsWith(".class"))
              .map(f -> root.relativize(f).toString())
              .filter(f -> !f.endsWith("module-info.class") && !f.endsWith("package-info.class"))
              .map(f -> f.substring(0, f.length() - ".class".length()).replace(root.getFileSystem().getSeparator(), "."))
              .collect(Collectors.toList());
        }
        for (String c : classes) {
          try {
            Class.forName(c, false, loader);
          } catch (ClassNotFoundException | LinkageError e) {
            // optional parts (another binding's classes): not needed here
          }
        }
      } catch (ClassNotFoundException | URISyntaxException | IOException | RuntimeException e) {
        LOG.log(Level.DEBUG, "Could not preload the classes of {0}: {1}", name, e);
      }
    }
  }
}
