package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Optional params: omitted or null ones become null, {@code Optional.empty()} or the primitive
 * default; given ones keep their values; an omitted required param still gets -32602.
 * Each test sends exact text from a {@link RawEnd} to a real {@link Peer}.
 */
class OptionalParamsTest extends EdgeCaseFixture {

  @Test
  void omittedOptionalParamsGetNullEmptyOrDefault() {
    connect().send(request("1", "optionals", "[\"r\"]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
    raw.send(request("2", "optionals", "{\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
    raw.send(request("3", "optionals", "{\"count\":7,\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"r|null|Optional.empty|7\"}", raw.nextFrame());
  }

  @Test
  void explicitNullOptionalParamsGetNullEmptyOrDefault() {
    connect().send(request("1", "optionals", "[\"r\",null,null,null]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|null|Optional.empty|0\"}", raw.nextFrame());
  }

  @Test
  void givenOptionalParamsGetTheirValues() {
    connect().send(request("1", "optionals", "[\"r\",\"t\",5,7]"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"r|t|Optional[5]|7\"}", raw.nextFrame());
    raw.send(request("2", "optionals", "{\"maybe\":5,\"required\":\"r\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"r|null|Optional[5]|0\"}", raw.nextFrame());
  }

  @Test
  void omittedRequiredParamBeforeOptionalsStillGetsMinus32602() {
    connect().send(request("1", "optionals", "[]"));
    assertInvalidParams(raw.nextFrame(), "1", "required");
    raw.send(request("2", "optionals", "{\"text\":\"t\"}"));
    assertInvalidParams(raw.nextFrame(), "2", "required");
  }
}
