package dev.duplexrpc.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.server.testing.GuardedServerMain;
import dev.duplexrpc.testing.HttpProbe;
import dev.duplexrpc.testing.JdkWebSocketClient;
import dev.duplexrpc.testing.JvmProcess;
import dev.duplexrpc.testing.RawWebSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server JVM at {@code ulimit -n 256} with its connection limits off runs out of descriptors on
 * purpose: 400 upgrades from 127.0.0.2 complete until none is left and the rest wait in the
 * listen backlog. A connection opened before keeps being served meanwhile; once the upgraded
 * sockets close, the waiting ones are accepted and a new client is served; the server counted the
 * failed accepts and logged no class initialisation failure (the JDK initialises some socket
 * classes on the first close, which needs a descriptor: the server does that at its start).
 */
class DescriptorExhaustionTest {
  static final int SOCKETS = 400;
  static final String CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"work\",\"params\":[7]}";
  static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":7}";

  JvmProcess server;

  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo info) {
    if (server != null) {
      server.close();
      List<String> log = server.output();
      System.out.println("The server JVM's last log lines:");
      log.subList(Math.max(0, log.size() - 40), log.size()).forEach(System.out::println);
    }
  }

  long statsField(String name) throws Exception {
    server.send("stats");
    String line = server.awaitLine("STATS ", Duration.ofSeconds(10));
    Matcher m = Pattern.compile(name + "=(\\d+)").matcher(line);
    assertTrue(m.find(), line);
    return Long.parseLong(m.group(1));
  }

  @Test
  void serverRecoversOnceDescriptorsFreeUp() throws Exception {
    server = JvmProcess.start("the server JVM", 256, GuardedServerMain.class, "0", "0", "0", "0");
    String[] listening = server.awaitLine("LISTENING ", Duration.ofSeconds(20)).split(" ");
    URI uri = URI.create("ws://127.0.0.1:" + listening[1] + "/");

    // A connection opened before the descriptors run out.
    Socket early = HttpProbe.open("127.0.0.1", uri, 10_000);
    assertEquals(101, HttpProbe.send(early, HttpProbe.upgradeRequest(uri)));
    RawWebSocket existing = RawWebSocket.over(early);
    existing.sendText(CALL);
    assertEquals(ANSWER, existing.readFrame().text());

    // Exhaustion: upgrade requests on 400 sockets; those accepted get 101 until no descriptor is left.
    Selector selector = Selector.open();
    List<SocketChannel> channels = new ArrayList<>();
    byte[] request = HttpProbe.upgradeRequest(uri).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < SOCKETS; i++) {
      SocketChannel ch = SocketChannel.open();
      ch.bind(new InetSocketAddress("127.0.0.2", 0));
      ch.connect(new InetSocketAddress("127.0.0.1", uri.getPort())); // completes in the backlog
      ch.write(ByteBuffer.wrap(request));
      ch.configureBlocking(false);
      ch.register(selector, SelectionKey.OP_READ);
      channels.add(ch);
    }
    int upgraded = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    ByteBuffer buf = ByteBuffer.allocate(4096);
    while (System.nanoTime() < deadline && upgraded < SOCKETS) {
      selector.select(200);
      for (SelectionKey key : selector.selectedKeys()) {
        buf.clear();
        int n = ((SocketChannel) key.channel()).read(buf);
        if (n > 0 && new String(buf.array(), 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
          upgraded++;
        }
        key.cancel();
      }
      selector.selectedKeys().clear();
    }
    assertTrue(upgraded > 50 && upgraded < SOCKETS, upgraded + " of " + SOCKETS + " upgraded");
    long failures = statsField("acceptFailures");
    assertTrue(failures > 0, "no failed accept counted");

    // Out of descriptors: the existing connection is still served.
    existing.sendText(CALL);
    assertEquals(ANSWER, existing.readFrame().text());

    // The sockets close; the server accepts again, and a new client is served.
    for (SocketChannel ch : channels) {
      ch.close();
    }
    selector.close();
    long recovered0 = System.nanoTime();
    String answer;
    try (JdkWebSocketClient c = JdkWebSocketClient.connect(uri)) {
      c.send(CALL);
      answer = c.next();
    }
    long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered0);
    assertEquals(ANSWER, answer);
    existing.sendText(CALL);
    assertEquals(ANSWER, existing.readFrame().text());
    existing.close();
    long failuresAfter = statsField("acceptFailures");
    List<String> log = server.output();
    assertFalse(log.stream().anyMatch(l -> l.contains("NoClassDefFoundError")
        || l.contains("ExceptionInInitializerError")), "the server JVM logged a class initialisation failure");
    System.out.printf("DescriptorExhaustionTest: %d of %d upgrades completed at ulimit -n 256; %d failed accepts "
            + "counted (each followed by a pause); a new client served %d ms after the sockets closed; "
            + "%d log lines, no class initialisation failure%n",
        upgraded, SOCKETS, failuresAfter, recoveredMillis, log.size());
  }
}
