package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplexrpc.core.annotation.RpcMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The wire-test fixtures ({@link RawEnd}, {@link WireJson}) detect what they claim to detect. */
class WireFixtureTest {

  /** A service with one method, so the fixture Peer has something of its own to serve. */
  public interface Echo {
    /**
     * Echoes.
     *
     * @param value a string
     * @return the same string
     */
    @RpcMethod
    String echo(String value);
  }

  private RawEnd raw;

  @AfterEach
  void exhausted() {
    if (raw != null) {
      try {
        raw.assertExhausted();
      } finally {
        raw.close();
      }
    }
  }

  @Test
  void jsonEqualityIgnoresMemberOrderAndWhitespaceAndComparesNumbersByValue() {
    WireJson.assertJsonEquals("{\"a\": 19, \"b\": [1, \"x\"]}", "{\"b\":[1.0,\"x\"],\"a\":19}");
  }

  @Test
  void jsonEqualityTellsStringIdFromNumberId() {
    assertThrows(AssertionFailedError.class, () -> WireJson.assertJsonEquals("{\"id\":1}", "{\"id\":\"1\"}"));
  }

  @Test
  void jsonParsingRejectsNonStrictJson() {
    assertThrows(AssertionError.class, () -> WireJson.parse("{'id':1}"));
    assertThrows(AssertionError.class, () -> WireJson.parse("{\"id\":1} {}"));
  }

  @Test
  void batchEqualityMatchesEntriesByIdInAnyOrder() {
    WireJson.assertBatchEquals(
        "[{\"id\":\"1\",\"result\":1},{\"id\":null,\"error\":1},{\"id\":\"2\",\"result\":2}]",
        "[{\"id\":\"2\",\"result\":2},{\"id\":\"1\",\"result\":1},{\"id\":null,\"error\":1}]");
  }

  @Test
  void batchEqualityCountsNullIdEntries() {
    assertThrows(
        AssertionFailedError.class,
        () -> WireJson.assertBatchEquals(
            "[{\"id\":null,\"error\":1},{\"id\":null,\"error\":1}]", "[{\"id\":null,\"error\":1}]"));
  }

  @Test
  void batchEqualityFailsOnSingleObjectOrWrongEntry() {
    assertThrows(
        AssertionFailedError.class,
        () -> WireJson.assertBatchEquals("[{\"id\":null,\"error\":1}]", "{\"id\":null,\"error\":1}"));
    assertThrows(
        AssertionFailedError.class,
        () -> WireJson.assertBatchEquals("[{\"id\":\"1\",\"result\":1}]", "[{\"id\":\"1\",\"result\":2}]"));
  }

  @Test
  void barrierPassesWhenNothingWasSent() {
    raw = RawEnd.connect(Peer.builder().service((Echo) value -> value));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[\"x\"]}");
    raw.assertNothingSent();
  }

  @Test
  void barrierFailsWhenSomethingWasSentBeforeIt() {
    raw = RawEnd.connect(Peer.builder().service((Echo) value -> value));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nope\"}");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, raw::assertNothingSent);
    assertTrue(String.valueOf(e.getActual().getValue()).contains("\"code\":-32601"), e.getMessage());
    assertTrue(raw.nextFrame().contains("\"result\":\"barrier-"), "the barrier's reply follows");
  }

  @Test
  void closeIsRecordedAsAnEventAndNextFrameFailsOnIt() {
    raw = RawEnd.connect(Peer.builder().service((Echo) value -> value));
    raw.peer().close(4000, "bye");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, raw::nextFrame);
    assertTrue(e.getMessage().contains("Closed[code=4000, reason=bye]"), e.getMessage());
  }

  @Test
  void closeIsRecordedWithCodeAndReason() {
    raw = RawEnd.connect(Peer.builder().service((Echo) value -> value));
    raw.peer().close(4000, "bye");
    assertEquals(new RawEnd.Closed(4000, "bye"), raw.nextClose());
  }
}
