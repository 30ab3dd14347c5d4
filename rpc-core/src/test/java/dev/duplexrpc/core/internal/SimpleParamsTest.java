package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Positional params of int, long, boolean and String read without Gson's reader bind exactly as
 * Gson binds them, and everything unusual still goes through Gson.
 */
class SimpleParamsTest {
  /** A method with every simple kind. */
  public static final class Service {
    @RpcMethod
    public String all(int a, Long b, boolean c, String d) {
      return a + " " + b + " " + c + " " + d;
    }

    @RpcMethod
    public String none() {
      return "";
    }
  }

  private static LocalMethod method(String name, Gson gson) {
    for (ServiceMethod sm : ServiceModel.of(Service.class).methods()) {
      if (sm.wireName().equals(name)) {
        return LocalMethod.bind(sm, new Service(), gson);
      }
    }
    throw new AssertionError(name);
  }

  private static Object[] bind(String params) {
    return method("all", new Gson()).bindParams(JsonSlice.of(params), null);
  }

  @Test
  void plainValuesBindWithWhitespaceAnywhere() {
    assertArrayEquals(new Object[] {42, -7L, true, "hé llo"}, bind("[42, -7 ,true,\"hé llo\"]"));
    assertArrayEquals(new Object[] {-999999999, 999999999999999999L, false, ""},
        bind("[ -999999999 ,\n999999999999999999,\tfalse , \"\" ]"));
  }

  @Test
  void valuesBeyondThePlainestFormStillBindThroughGson() {
    assertArrayEquals(new Object[] {2147483647, 1L, true, "a\"b\u00e9"},
        bind("[2147483647,1,true,\"a\\\"b\\u00e9\"]"));
    assertArrayEquals(new Object[] {1, 100L, true, "x"}, bind("[1.0,1e2,true,\"x\"]"));
    assertArrayEquals(new Object[] {1, null, true, "x"}, bind("[1,null,true,\"x\"]"));
    assertArrayEquals(new Object[] {1, 2L, true, "7"}, bind("[1,2,true,7]"));
  }

  @Test
  void errorsAreGsonsErrors() {
    RpcException fraction = assertThrows(RpcException.class, () -> bind("[1.5,1,true,\"x\"]"));
    assertEquals(ErrorCodes.INVALID_PARAMS, fraction.code());
    assertEquals("a", fraction.data().getAsJsonObject().get("parameter").getAsString());
    RpcException tooBig = assertThrows(RpcException.class, () -> bind("[4294967297,1,true,\"x\"]"));
    assertEquals("a", tooBig.data().getAsJsonObject().get("parameter").getAsString());
    RpcException missing = assertThrows(RpcException.class, () -> bind("[1,2,true]"));
    assertEquals("d", missing.data().getAsJsonObject().get("parameter").getAsString());
    RpcException tooMany = assertThrows(RpcException.class, () -> bind("[1,2,true,\"x\",5]"));
    assertEquals(ErrorCodes.INVALID_PARAMS, tooMany.code());
    RpcException nullPrimitive = assertThrows(RpcException.class, () -> bind("[1,2,null,\"x\"]"));
    assertEquals("c", nullPrimitive.data().getAsJsonObject().get("parameter").getAsString());
    RpcException extra = assertThrows(RpcException.class,
        () -> method("none", new Gson()).bindParams(JsonSlice.of("[1]"), null));
    assertEquals(ErrorCodes.INVALID_PARAMS, extra.code());
    assertArrayEquals(new Object[0], method("none", new Gson()).bindParams(JsonSlice.of("[ ]"), null));
  }

  @Test
  void singleValuesReadTheSameWithAndWithoutGsonsReader() {
    Gson gson = new Gson();
    assertEquals(19, JsonSlice.of("19").read(gson.getAdapter(Integer.class)));
    assertEquals(-5L, JsonSlice.of("-5").read(gson.getAdapter(long.class)));
    assertEquals(false, JsonSlice.of("false").read(gson.getAdapter(Boolean.class)));
    assertEquals("plain", JsonSlice.of("\"plain\"").read(gson.getAdapter(String.class)));
    assertEquals("a\"b", JsonSlice.of("\"a\\\"b\"").read(gson.getAdapter(String.class)));
    assertEquals(100, JsonSlice.of("1e2").read(gson.getAdapter(int.class)));
    assertEquals("19", JsonSlice.of("19").read(gson.getAdapter(String.class)));
    assertEquals(null, JsonSlice.of("null").read(gson.getAdapter(Integer.class)));
    assertThrows(RuntimeException.class, () -> JsonSlice.of("4294967297").read(gson.getAdapter(int.class)));
    assertThrows(RuntimeException.class, () -> JsonSlice.of("1.5").read(gson.getAdapter(int.class)));
  }

  @Test
  void aUserAdapterForTheTypeIsAlwaysUsed() {
    Gson upper = new GsonBuilder().registerTypeAdapter(String.class, new TypeAdapter<String>() {
      @Override
      public void write(JsonWriter out, String value) throws IOException {
        out.value(value);
      }

      @Override
      public String read(JsonReader in) throws IOException {
        return in.nextString().toUpperCase(java.util.Locale.ROOT);
      }
    }).create();
    assertArrayEquals(new Object[] {1, 2L, true, "X"},
        method("all", upper).bindParams(JsonSlice.of("[1,2,true,\"x\"]"), null));
  }
}
