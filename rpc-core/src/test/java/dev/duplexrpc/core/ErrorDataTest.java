package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.annotation.RpcMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An error's data may be any object: it goes out as the Peer's Gson writes it. */
class ErrorDataTest {
  /** What was missing. */
  record Shortfall(String itemName, int missing) {}

  /** A shop that is out of stock. */
  public interface Shop {
    @RpcMethod
    String order(String item);

    @RpcMethod
    String orderUnwritable(String item);
  }

  static final class ShopImpl implements Shop {
    @Override
    public String order(String item) {
      throw new RpcException(-32010, "Out of stock", new Shortfall(item, 2));
    }

    @Override
    public String orderUnwritable(String item) {
      throw new RpcException(-32010, "Out of stock", new Object() {
        @SuppressWarnings("unused")
        final Thread notJson = Thread.currentThread();
      });
    }
  }

  private RawEnd raw;

  @AfterEach
  void tearDown() {
    if (raw != null) {
      raw.assertExhausted();
      raw.close();
    }
  }

  @Test
  void objectDataIsWrittenWithThePeersGson() {
    PeerConfig config = PeerConfig.builder()
        .gson(new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create())
        .service(new ShopImpl())
        .build();
    raw = RawEnd.connect(Peer.builder().config(config));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"order\",\"params\":[\"coffee\"]}");
    assertEquals(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32010,"
            + "\"message\":\"Out of stock\",\"data\":{\"item_name\":\"coffee\",\"missing\":2}}}"),
        raw.nextJson());
  }

  @Test
  void dataTheGsonCannotWriteLeavesTheErrorWithoutData() {
    raw = RawEnd.connect(Peer.builder().config(PeerConfig.builder().service(new ShopImpl()).build()));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"orderUnwritable\",\"params\":[\"tea\"]}");
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32010,\"message\":\"Out of stock\"}}",
        raw.nextFrame());
  }

  @Test
  void localExceptionKeepsItsObjectAndShowsItAsJson() {
    Shortfall s = new Shortfall("coffee", 2);
    RpcException e = new RpcException(-32010, "Out of stock", s);
    assertSame(s, e.dataValue());
    assertEquals(JsonParser.parseString("{\"itemName\":\"coffee\",\"missing\":2}"), e.data());
    assertEquals(s, e.data(Shortfall.class));
    assertTrue(e.getMessage().contains("{\"itemName\":\"coffee\",\"missing\":2}"), e.getMessage());
    assertNull(new RpcException(-32010, "no data", (Object) null).data());
  }
}
