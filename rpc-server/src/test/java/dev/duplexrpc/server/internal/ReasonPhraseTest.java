package dev.duplexrpc.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The refusal's reason goes into the status line only when it cannot break it. */
class ReasonPhraseTest {
  @Test
  void shortPrintableReasonFollowsTheStandardPhrase() {
    assertEquals("Unauthorized: token expired", TyrusFilter.reasonPhrase(401, "token expired"));
    assertEquals("Forbidden", TyrusFilter.reasonPhrase(403, null));
  }

  @Test
  void reasonThatCouldBreakTheStatusLineStaysInTheBodyOnly() {
    assertEquals("Unauthorized", TyrusFilter.reasonPhrase(401, "bad\r\nX-Injected: yes"));
    assertEquals("Unauthorized", TyrusFilter.reasonPhrase(401, "jeton expiré"));
    assertEquals("Service Unavailable", TyrusFilter.reasonPhrase(503, "x".repeat(121)));
  }
}
