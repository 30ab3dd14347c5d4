package dev.duplexrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** How an event's {@code params} become the payload a handler receives. */
class ClientEventsTest {

  @Test
  void oneElementArrayIsItsElement() {
    assertEquals(JsonParser.parseString("{\"id\":7}"), ClientEvents.payload("[{\"id\":7}]"));
    assertEquals(JsonParser.parseString("[1,2]"), ClientEvents.payload("[[1,2]]"));
    assertEquals(JsonParser.parseString("null"), ClientEvents.payload("[null]"));
  }

  @Test
  void objectIsItselfAsRpcWebsocketsSendsOneObjectArgument() {
    assertEquals(JsonParser.parseString("{\"id\":7}"), ClientEvents.payload("{\"id\":7}"));
    assertEquals(JsonParser.parseString("{}"), ClientEvents.payload("{}"));
  }

  @Test
  void severalArgumentsStayAnArray() {
    assertEquals(JsonParser.parseString("[1,\"a\",true]"), ClientEvents.payload("[1,\"a\",true]"));
  }

  @Test
  void noArgumentsIsNull() {
    assertNull(ClientEvents.payload("[]"));
    assertNull(ClientEvents.payload(null));
  }
}
