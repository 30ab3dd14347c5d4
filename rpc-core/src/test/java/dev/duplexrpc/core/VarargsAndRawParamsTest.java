package dev.duplexrpc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.annotation.RawParams;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.transport.InMemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Methods that take any number of params: Java varargs (the positional params from the varargs
 * position on are its elements) and {@code @RawParams} (the whole params member), served and
 * called through a proxy. The specification's own {@code sum [1, 2, 4]} is one of them.
 */
class VarargsAndRawParamsTest {
  /** Takes any number of params. */
  public interface Maths {
    @RpcMethod
    int sum(int... numbers);

    @RpcMethod
    String join(String separator, String... parts);

    @RpcMethod
    double total(@RawParams JsonArray numbers);

    @RpcMethod
    String shape(@RawParams JsonElement params);
  }

  static final class MathsImpl implements Maths {
    @Override
    public int sum(int... numbers) {
      int total = 0;
      for (int n : numbers) {
        total += n;
      }
      return total;
    }

    @Override
    public String join(String separator, String... parts) {
      return String.join(separator, parts);
    }

    @Override
    public double total(JsonArray numbers) {
      double t = 0;
      for (JsonElement n : numbers) {
        t += n.getAsDouble();
      }
      return t;
    }

    @Override
    public String shape(JsonElement params) {
      return params == null ? "none" : params.isJsonArray() ? "array" : "object";
    }
  }

  /** Not valid: raw params must be the only parameter. */
  public interface TwoWithRaw {
    @RpcMethod
    int bad(@RawParams JsonArray params, int more);
  }

  private RawEnd raw;
  private Peer server;
  private Peer client;

  @AfterEach
  void tearDown() {
    if (raw != null) {
      raw.assertExhausted();
      raw.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private String call(String request) {
    raw.send(request);
    return raw.nextFrame();
  }

  @Test
  void specificationsSumTakesAnyNumberOfPositionalParams() {
    raw = RawEnd.connect(Peer.builder().service(new MathsImpl()));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":7}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,2,4],\"id\":\"1\"}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":0}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[],\"id\":2}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":0}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"id\":3}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":3}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":{\"numbers\":[1,2]},\"id\":4}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":\"a-b-c\"}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"join\",\"params\":[\"-\",\"a\",\"b\",\"c\"],\"id\":5}"));
  }

  @Test
  void badVarargsElementGetsInvalidParamsNamingIt() {
    raw = RawEnd.connect(Peer.builder().service(new MathsImpl()));
    JsonElement error = JsonParser.parseString(
        call("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,\"x\"],\"id\":1}"))
        .getAsJsonObject().get("error");
    assertEquals(-32602, error.getAsJsonObject().get("code").getAsInt());
    assertEquals("numbers", error.getAsJsonObject().getAsJsonObject("data").get("parameter").getAsString());
    assertTrue(error.toString().contains("element 1"), error.toString());
  }

  @Test
  void rawParamsGetTheWholeParamsMember() {
    raw = RawEnd.connect(Peer.builder().service(new MathsImpl()));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":3.5}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"total\",\"params\":[1, 2.5],\"id\":1}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"object\"}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"shape\",\"params\":{\"a\":1},\"id\":2}"));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":\"none\"}",
        call("{\"jsonrpc\":\"2.0\",\"method\":\"shape\",\"id\":3}"));
    assertEquals(-32602, JsonParser.parseString(
        call("{\"jsonrpc\":\"2.0\",\"method\":\"total\",\"params\":{\"a\":1},\"id\":4}"))
        .getAsJsonObject().getAsJsonObject("error").get("code").getAsInt());
  }

  @Test
  void proxySpreadsVarargsAndSendsRawParamsAsTheParamsMember() {
    raw = RawEnd.connect(Peer.builder());
    Maths maths = raw.peer().remote(Maths.class);
    java.util.concurrent.CompletableFuture<Integer> sum =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> maths.sum(1, 2, 3));
    JsonElement request = raw.nextJson();
    assertEquals(JsonParser.parseString("[1,2,3]"), request.getAsJsonObject().get("params"));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":" + request.getAsJsonObject().get("id") + ",\"result\":6}");
    assertEquals(6, sum.join());

    JsonArray numbers = new JsonArray();
    numbers.add(1.5);
    numbers.add(2);
    java.util.concurrent.CompletableFuture<Double> total =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> maths.total(numbers));
    request = raw.nextJson();
    assertEquals(JsonParser.parseString("[1.5,2]"), request.getAsJsonObject().get("params"));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":" + request.getAsJsonObject().get("id") + ",\"result\":3.5}");
    assertEquals(3.5, total.join());
  }

  @Test
  void proxyToServedVarargsRoundTrips() {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    server = Peer.builder().service(new MathsImpl()).transport(pair.first()).build();
    client = Peer.builder().transport(pair.second()).build();
    Maths maths = client.remote(Maths.class);
    assertEquals(10, maths.sum(1, 2, 3, 4));
    assertEquals(0, maths.sum());
    assertEquals("x/y", maths.join("/", "x", "y"));
  }

  @Test
  void rawParamsBesideOtherParamsIsRefusedAtRegistration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PeerConfig.builder().service((TwoWithRaw) (params, more) -> 0));
    assertTrue(e.getMessage().contains("@RawParams"), e.getMessage());
  }
}
