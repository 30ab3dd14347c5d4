package dev.duplexrpc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy on loopback, for tests: it forwards every connection it accepts to
 * a target address and can, per connection and per direction, delay the bytes, freeze them (hold
 * them back while still reading, as a stalled network would), drop them, or cut the connection
 * (a TCP reset both ways), also after exactly so many more bytes, which lands in the middle of a
 * WebSocket frame when the test chooses the count so.
 *
 * <p>Each proxied connection uses four daemon threads (a reader and a writer per direction); the
 * proxy is for a handful of connections. Delays are carried by a {@link DelayQueue}: the writer
 * takes each chunk when it is due, so nothing sleeps.
 */
public final class FaultProxy implements AutoCloseable {
  /** A direction of a proxied connection. */
  public enum Direction {
    /** Client to server. */
    UPSTREAM,
    /** Server to client. */
    DOWNSTREAM
  }

  private volatile ServerSocket listener;
  private final int port;
  private final InetSocketAddress target;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Link> accepted = new LinkedBlockingQueue<>();
  private volatile boolean freezeNew;
  private volatile boolean refuseNew;
  private volatile boolean closed;
  private final AtomicLong acceptedCount = new AtomicLong();
  private final List<Waiting> waiting = new CopyOnWriteArrayList<>();

  private record Waiting(long count, CompletableFuture<Void> done) {}

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = bindOutsideTheEphemeralRange();
    this.port = listener.getLocalPort();
    startAccepting(listener);
  }

  /**
   * Binds a port below the usual ephemeral range (32768 and up on Linux): while the proxy refuses
   * connections its port is closed, and a port of the ephemeral range could meanwhile be taken
   * as the source port of an outgoing connection (a reconnect attempt to this very port can even
   * connect to itself), so that listening again would fail.
   */
  private static ServerSocket bindOutsideTheEphemeralRange() throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    IOException last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        return bind(10_000 + random.nextInt(20_000));
      } catch (IOException e) {
        last = e; // taken: try another
      }
    }
    throw last;
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    return s;
  }

  private void startAccepting(ServerSocket s) {
    Thread t = new Thread(() -> acceptLoop(s), "fault-proxy-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Starts a proxy to {@code target} on an ephemeral loopback port.
   *
   * @param target where connections are forwarded
   * @return the running proxy
   */
  public static FaultProxy start(InetSocketAddress target) throws IOException {
    return new FaultProxy(target);
  }

  /** The proxy's port. */
  public int port() {
    return port;
  }

  /** The URI of {@code uri}'s path, query and scheme, but through this proxy. */
  public URI via(URI uri) {
    return URI.create(uri.getScheme() + "://127.0.0.1:" + port() + uri.getRawPath()
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /** The connections accepted so far, in order. */
  public List<Link> links() {
    return List.copyOf(links);
  }

  /**
   * The next connection accepted that no earlier call returned, waiting up to {@code timeout}.
   *
   * @throws AssertionError if none comes in time
   */
  public Link nextLink(Duration timeout) throws InterruptedException {
    Link l = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (l == null) {
      throw new AssertionError("no connection through the proxy within " + timeout);
    }
    return l;
  }

  /** Whether connections accepted from now on start frozen (both directions). */
  public void freezeNewConnections(boolean freeze) {
    this.freezeNew = freeze;
  }

  /**
   * Whether connections accepted from now on are reset at once, before anything reaches the
   * target (as a load balancer without a backend might do).
   */
  public void resetNewConnections(boolean reset) {
    this.refuseNew = reset;
  }

  /**
   * Stops listening (new connections are refused by the operating system, as with a server that
   * is down), or listens again on the same port. Open connections are not touched.
   */
  public synchronized void refuseNewConnections(boolean refuse) throws IOException {
    if (refuse) {
      listener.close();
    } else if (listener.isClosed()) {
      listener = bind(port);
      startAccepting(listener);
    }
  }

  /** TCP connections accepted so far, refused ones included. */
  public long acceptedCount() {
    return acceptedCount.get();
  }

  /** Completes once {@code count} TCP connections (refused ones included) have been accepted. */
  public CompletableFuture<Void> whenAccepted(long count) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.add(new Waiting(count, f));
    notifyWaiting();
    return f;
  }

  private void notifyWaiting() {
    long n = acceptedCount.get();
    for (Waiting w : waiting) {
      if (n >= w.count()) {
        w.done().complete(null);
        waiting.remove(w);
      }
    }
  }

  private void acceptLoop(ServerSocket listener) {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      acceptedCount.incrementAndGet();
      notifyWaiting();
      if (refuseNew) {
        reset(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(target, 5_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Link link = new Link(client, server);
        if (freezeNew) {
          link.freeze();
        }
        links.add(link);
        accepted.add(link);
        link.start();
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (Link l : links) {
      l.cut();
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with a TCP reset
    } catch (SocketException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** One proxied connection. */
  public static final class Link {
    private final Socket client;
    private final Socket server;
    private final Pipe up;
    private final Pipe down;
    private final CompletableFuture<Void> clientClosed = new CompletableFuture<>();
    private final CompletableFuture<Void> serverClosed = new CompletableFuture<>();

    Link(Socket client, Socket server) throws IOException {
      this.client = client;
      this.server = server;
      this.up = new Pipe(this, "up", client.getInputStream(), server, clientClosed);
      this.down = new Pipe(this, "down", server.getInputStream(), client, serverClosed);
    }

    void start() {
      up.start();
      down.start();
    }

    private Pipe pipe(Direction d) {
      return d == Direction.UPSTREAM ? up : down;
    }

    /** Holds back the bytes of both directions (still reading them) until {@link #unfreeze()}. */
    public void freeze() {
      up.freeze();
      down.freeze();
    }

    /** Forwards what was held back and resumes. */
    public void unfreeze() {
      up.unfreeze();
      down.unfreeze();
    }

    /** Holds back the bytes of one direction. */
    public void freeze(Direction d) {
      pipe(d).freeze();
    }

    /** Discards the bytes of one direction from now on (the connection stays up). */
    public void drop(Direction d) {
      pipe(d).drop();
    }

    /** Delays every chunk of one direction by {@code delay} from now on. */
    public void delay(Direction d, Duration delay) {
      pipe(d).delayNanos = delay.toNanos();
    }

    /** Resets the connection both ways at once. */
    public void cut() {
      reset(client);
      reset(server);
    }

    /**
     * Forwards exactly {@code bytes} more bytes in one direction, then resets the connection both
     * ways.
     */
    public void cutAfter(Direction d, long bytes) {
      pipe(d).cutAfter(bytes);
    }

    /** Bytes read so far in one direction. */
    public long bytesRead(Direction d) {
      return pipe(d).read.get();
    }

    /** Completes when the client's side of the connection ended (EOF or reset seen). */
    public CompletableFuture<Void> clientClosed() {
      return clientClosed;
    }

    /** Completes when the server's side of the connection ended (EOF or reset seen). */
    public CompletableFuture<Void> serverClosed() {
      return serverClosed;
    }
  }

  /** One direction: a reader thread that reads and routes chunks, a writer thread that writes. */
  private static final class Pipe {
    private static final Chunk EOF = new Chunk(new byte[0], 0, 0);
    private static final AtomicLong SEQ = new AtomicLong();

    private final Link link;
    private final String name;
    private final InputStream in;
    private final Socket out;
    private final CompletableFuture<Void> ended;
    private final DelayQueue<Chunk> queue = new DelayQueue<>();
    private final List<Chunk> held = new ArrayList<>();
    final AtomicLong read = new AtomicLong();
    volatile long delayNanos;
    private boolean frozen; // guarded by this
    private boolean dropping; // guarded by this
    private long cutAfter = -1; // guarded by this

    Pipe(Link link, String name, InputStream in, Socket out, CompletableFuture<Void> ended) {
      this.link = link;
      this.name = name;
      this.in = in;
      this.out = out;
      this.ended = ended;
    }

    void start() {
      Thread r = new Thread(this::readLoop, "fault-proxy-" + name + "-read");
      Thread w = new Thread(this::writeLoop, "fault-proxy-" + name + "-write");
      r.setDaemon(true);
      w.setDaemon(true);
      r.start();
      w.start();
    }

    synchronized void freeze() {
      frozen = true;
    }

    synchronized void unfreeze() {
      frozen = false;
      for (Chunk c : held) {
        queue.add(c.due(System.nanoTime() + delayNanos));
      }
      held.clear();
    }

    synchronized void drop() {
      dropping = true;
      held.clear();
    }

    synchronized void cutAfter(long bytes) {
      cutAfter = bytes;
      if (bytes == 0) {
        link.cut();
      }
    }

    private void readLoop() {
      byte[] buf = new byte[16 * 1024];
      try {
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            break;
          }
          read.addAndGet(n);
          route(Arrays.copyOf(buf, n));
        }
      } catch (IOException e) {
        // reset, or closed by cut()
      }
      ended.complete(null);
      synchronized (this) {
        if (frozen) {
          held.add(EOF);
        } else {
          queue.add(EOF.due(System.nanoTime() + delayNanos));
        }
      }
    }

    private synchronized void route(byte[] data) {
      if (dropping) {
        return;
      }
      byte[] d = data;
      boolean cutNow = false;
      if (cutAfter >= 0) {
        if (d.length >= cutAfter) {
          d = Arrays.copyOf(d, (int) cutAfter);
          cutNow = true;
        }
        cutAfter -= d.length;
      }
      Chunk c = new Chunk(d, 0, 0);
      if (cutNow) {
        queue.add(c.due(System.nanoTime()).cutting());
        cutAfter = -1;
        dropping = true;
      } else if (frozen) {
        held.add(c);
      } else {
        queue.add(c.due(System.nanoTime() + delayNanos));
      }
    }

    private void writeLoop() {
      try {
        OutputStream o = out.getOutputStream();
        while (true) {
          Chunk c = queue.take();
          if (c.data == EOF.data) {
            out.shutdownOutput();
            return;
          }
          o.write(c.data);
          o.flush();
          if (c.cut) {
            link.cut();
            return;
          }
        }
      } catch (IOException e) {
        link.cut();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Bytes to write, and when. */
    private static final class Chunk implements Delayed {
      final byte[] data;
      final long dueNanos;
      final long seq;
      boolean cut;

      Chunk(byte[] data, long dueNanos, long seq) {
        this.data = data;
        this.dueNanos = dueNanos;
        this.seq = seq;
      }

      Chunk due(long at) {
        return new Chunk(data, at, SEQ.incrementAndGet());
      }

      Chunk cutting() {
        cut = true;
        return this;
      }

      @Override
      public long getDelay(TimeUnit unit) {
        return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
      }

      @Override
      public int compareTo(Delayed o) {
        Chunk c = (Chunk) o;
        int byTime = Long.compare(dueNanos, c.dueNanos);
        return byTime != 0 ? byTime : Long.compare(seq, c.seq);
      }
    }
  }
}
