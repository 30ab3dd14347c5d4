package dev.duplexrpc.core.internal.resume;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Subprotocols;
import dev.duplexrpc.core.transport.Transport;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Two Peers on two sequence layers, and in-memory links put under them with the same in-band
 * handshake as the bindings ({@code rpc.session} both ways), which a test can freeze and reset.
 */
final class SessionPair implements AutoCloseable {
  /** What the layers' owners were told: "client lost 1006", "server ended"... */
  final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  final SequencedTransport client;
  final SequencedTransport server;
  final Peer clientPeer;
  final Peer serverPeer;

  /** The two ends of the current link. */
  record Link(CuttableLink client, CuttableLink server, InMemoryTransport raw) {
    /** Both directions lose what they send from now on. */
    void freeze() {
      client.freeze();
      server.freeze();
    }

    /** Drops the link (1006), as a reset socket; what was sent before is still delivered. */
    void reset() {
      raw.close(1006, "reset");
    }
  }

  SessionPair(SessionSettings settings, PeerConfig serverConfig, PeerConfig clientConfig) {
    client = new SequencedTransport(settings, Subprotocols.DUPLEX, owner("client"));
    server = new SequencedTransport(settings, Subprotocols.DUPLEX, owner("server"));
    clientPeer = Peer.builder().transport(client).config(clientConfig).build();
    serverPeer = Peer.builder().transport(server).config(serverConfig).build();
  }

  private SequencedTransport.Owner owner(String side) {
    return new SequencedTransport.Owner() {
      @Override
      public void linkLost(SequencedTransport session, int code, String reason) {
        events.add(side + " lost " + code);
      }

      @Override
      public void ended(SequencedTransport session) {
        events.add(side + " ended");
      }
    };
  }

  /** Puts a new link under both layers and waits until both are attached. */
  Link connect() throws Exception {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(Subprotocols.DUPLEX);
    CuttableLink c = new CuttableLink(pair.first());
    CuttableLink s = new CuttableLink(pair.second());
    CompletableFuture<Boolean> serverAttached = new CompletableFuture<>();
    CompletableFuture<Boolean> clientAttached = new CompletableFuture<>();
    Handover sh = new Handover(s);
    sh.start(first(text -> {
      Control.Message hello = Control.parse(text);
      long received = Math.max(0, hello.longParam("received"));
      serverAttached.complete(server.attach(sh, received, mine -> Control.answer("t", mine, true)));
    }));
    Handover ch = new Handover(c);
    ch.start(first(text -> clientAttached.complete(
        client.attach(ch, Control.parse(text).longParam("received"), null))));
    c.send(Control.hello("t", client.received()));
    assertTrue(serverAttached.get(5, TimeUnit.SECONDS), "server attached");
    assertTrue(clientAttached.get(5, TimeUnit.SECONDS), "client attached");
    return new Link(c, s, pair.first());
  }

  /** Resets the link and waits until both layers have been told. */
  void drop(Link link) throws InterruptedException {
    link.reset();
    String a = events.poll(5, TimeUnit.SECONDS);
    String b = events.poll(5, TimeUnit.SECONDS);
    assertTrue(a != null && b != null && a.endsWith("lost 1006") && b.endsWith("lost 1006"), a + ", " + b);
  }

  private static Transport.Listener first(Consumer<String> onMessage) {
    return new Transport.Listener() {
      @Override
      public void onMessage(String message) {
        onMessage.accept(message);
      }

      @Override
      public void onClose(int code, String reason) {}
    };
  }

  @Override
  public void close() {
    clientPeer.close();
    serverPeer.close();
  }
}
