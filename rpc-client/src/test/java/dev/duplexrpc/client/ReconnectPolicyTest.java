package dev.duplexrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The built-in reconnect policies: their delays, attempt limits and the close codes they retry. */
class ReconnectPolicyTest {

  @Test
  void reconnectPolicyBuiltInsBehaveAsDocumented() {
    ReconnectPolicy p = ReconnectPolicy.exponential();
    for (int attempt = 1; attempt <= 100; attempt++) {
      Duration d = p.delayBefore(attempt);
      long bound = Math.min(30_000, 500L << Math.min(attempt - 1, 20));
      assertTrue(!d.isNegative() && d.toMillis() <= bound, attempt + ": " + d);
    }
    ReconnectPolicy limited = p.withMaxAttempts(3);
    assertTrue(limited.delayBefore(3) != null);
    assertEquals(null, limited.delayBefore(4));
    ReconnectPolicy fixed = ReconnectPolicy.fixed(Duration.ZERO, Duration.ofSeconds(2));
    assertEquals(Duration.ZERO, fixed.delayBefore(1));
    assertEquals(Duration.ofSeconds(2), fixed.delayBefore(2));
    assertEquals(null, fixed.delayBefore(3));
    assertEquals(null, ReconnectPolicy.none().delayBefore(1));
    for (int code : new int[] {1001, 1005, 1006, 1011, 1012, 1013, 1014}) {
      assertTrue(p.reconnectsAfter(code), "retries " + code);
    }
    for (int code : new int[] {1000, 1002, 1003, 1007, 1008, 1009, 1010, 3000, 4000, 4999}) {
      assertFalse(p.reconnectsAfter(code), "stops after " + code);
    }
    assertFalse(ReconnectPolicy.none().reconnectsAfter(1006));
    assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> p.withMaxAttempts(0));
  }
}
