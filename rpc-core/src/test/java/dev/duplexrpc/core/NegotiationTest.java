package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.transport.InMemoryTransport;
import dev.duplexrpc.core.transport.Subprotocols;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the handshake's subprotocol turns on: {@link Peer#extensionsAgreed()} and {@link Subprotocols}. */
class NegotiationTest {

  private static boolean[] agreed(String subprotocol, PeerConfig first, PeerConfig second) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair(subprotocol);
    Peer a = Peer.builder().transport(pair.first()).config(first).build();
    Peer b = Peer.builder().transport(pair.second()).config(second).build();
    try {
      return new boolean[] {a.extensionsAgreed(), b.extensionsAgreed()};
    } finally {
      a.close();
    }
  }

  @Test
  void duplexSubprotocolTurnsExtensionsOnAtBothEnds() {
    boolean[] on = agreed(Subprotocols.DUPLEX, PeerConfig.defaults(), PeerConfig.defaults());
    assertTrue(on[0]);
    assertTrue(on[1]);
  }

  @Test
  void noSubprotocolOrPlainLeavesThemOff() {
    for (String s : List.of("", Subprotocols.PLAIN, "duplex-rpc.2", "something-else")) {
      boolean[] on = agreed(s, PeerConfig.defaults(), PeerConfig.defaults());
      assertFalse(on[0], s);
      assertFalse(on[1], s);
    }
    assertFalse(Peer.builder().transport(InMemoryTransport.pair().first()).build().extensionsAgreed());
  }

  @Test
  void anEndWithExtensionsOffKeepsThemOffForItself() {
    PeerConfig off = PeerConfig.builder().wireExtensions(false).build();
    boolean[] on = agreed(Subprotocols.DUPLEX, off, PeerConfig.defaults());
    assertFalse(on[0]);
    assertFalse(off.newBuilder().build().wireExtensions(), "newBuilder keeps the setting");
    assertTrue(PeerConfig.defaults().wireExtensions(), "on by default");
  }

  @Test
  void serverSelectsDuplexOnlyWhenOfferedAndEnabled() {
    assertEquals(Subprotocols.DUPLEX, Subprotocols.select(Subprotocols.OFFER, true));
    assertEquals(Subprotocols.PLAIN, Subprotocols.select(Subprotocols.OFFER, false));
    assertEquals(Subprotocols.DUPLEX, Subprotocols.select(List.of(Subprotocols.DUPLEX), true));
    assertEquals("", Subprotocols.select(List.of(Subprotocols.DUPLEX), false));
    assertEquals("", Subprotocols.select(List.of(), true));
    assertEquals("", Subprotocols.select(List.of("mqtt"), true));
    assertEquals(List.of(), Subprotocols.offer(false));
    // A server that takes the first offer blindly (Node's ws by default) takes plain JSON-RPC.
    assertEquals(Subprotocols.PLAIN, Subprotocols.offer(true).get(0));
  }
}
