package dev.duplexrpc.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderMapTest {

  @Test
  void looksNamesUpIgnoringCaseAndKeepsEveryValue() {
    Map<String, List<String>> in = new LinkedHashMap<>();
    in.put("Host", List.of("example.com"));
    in.put("sec-websocket-protocol", List.of("a", "b"));
    in.put("X-Empty", List.of());
    in.put(null, List.of("status line"));
    in.put("x-none", null);
    Map<String, List<String>> h = HeaderMap.copyOf(in);
    assertEquals(List.of("example.com"), h.get("HOST"));
    assertEquals(List.of("a", "b"), h.get("Sec-WebSocket-Protocol"));
    assertEquals(List.of(), h.get("x-empty"));
    assertEquals(List.of(), h.get("X-None"));
    assertTrue(h.containsKey("host"));
    assertFalse(h.containsKey("Origin"));
    assertNull(h.get("Origin"));
    assertNull(h.get(42));
    assertEquals(4, h.size());
    assertEquals(List.of("Host", "sec-websocket-protocol", "X-Empty", "x-none"),
        new ArrayList<>(h.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> h.put("a", List.of()));
    assertThrows(UnsupportedOperationException.class, () -> h.get("Host").add("x"));
  }

  @Test
  void mergesNamesThatDifferOnlyInCase() {
    Map<String, List<String>> in = new LinkedHashMap<>();
    in.put("Cookie", List.of("a=1"));
    in.put("cookie", Arrays.asList("b=2", "c=3"));
    Map<String, List<String>> h = HeaderMap.copyOf(in);
    assertEquals(1, h.size());
    assertEquals(3, h.get("COOKIE").size());
    assertTrue(h.get("cookie").containsAll(List.of("a=1", "b=2", "c=3")));
  }

  /** Common names and values are shared between connections; anything else is kept as sent. */
  @Test
  void commonNamesAndValuesAreSharedAndKeepTheirCase() {
    Map<String, List<String>> a = HeaderMap.copyOf(Map.of(new String("upgrade"), List.of(new String("websocket")),
        new String("X-Custom"), List.of(new String("v"))));
    Map<String, List<String>> b = HeaderMap.copyOf(Map.of(new String("upgrade"), List.of(new String("websocket")),
        new String("X-Custom"), List.of(new String("v"))));
    String nameA = a.keySet().stream().filter(k -> k.equalsIgnoreCase("upgrade")).findFirst().orElseThrow();
    String nameB = b.keySet().stream().filter(k -> k.equalsIgnoreCase("upgrade")).findFirst().orElseThrow();
    assertEquals("upgrade", nameA);
    assertSame(nameA, nameB);
    assertSame(a.get("Upgrade").get(0), b.get("UPGRADE").get(0));
    assertEquals("v", a.get("x-custom").get(0));
  }

  @Test
  void noHeadersIsTheEmptyMap() {
    assertEquals(Map.of(), HeaderMap.copyOf(Map.of()));
    assertEquals(Map.of(), HeaderMap.copyOf(null));
  }
}
