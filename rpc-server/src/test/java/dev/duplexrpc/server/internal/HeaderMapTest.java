package dev.duplexrpc.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

  @Test
  void noHeadersIsTheEmptyMap() {
    assertEquals(Map.of(), HeaderMap.copyOf(Map.of()));
    assertEquals(Map.of(), HeaderMap.copyOf(null));
  }
}
