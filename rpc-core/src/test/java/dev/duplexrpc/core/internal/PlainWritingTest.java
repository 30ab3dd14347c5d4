package dev.duplexrpc.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.LongSerializationPolicy;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Results and params of ints, longs and booleans are written without Gson's JsonWriter, and the
 * text is byte for byte what the JsonWriter writes; anything else (a string id, a custom long
 * policy, a name that needs escaping) still goes through Gson.
 */
class PlainWritingTest {
  /** Methods of each kind. */
  public interface Service {
    @RpcMethod
    int subtract(int a, int b);

    @RpcMethod
    long big(long a, boolean b);

    @RpcMethod
    boolean yes();

    @RpcMethod
    String text(Integer a);
  }

  private static ServiceMethod model(String name) {
    for (ServiceMethod sm : ServiceModel.of(Service.class).methods()) {
      if (sm.wireName().equals(name)) {
        return sm;
      }
    }
    throw new AssertionError(name);
  }

  private static LocalMethod local(String name, Gson gson) {
    Service impl = new Service() {
      @Override
      public int subtract(int a, int b) {
        return a - b;
      }

      @Override
      public long big(long a, boolean b) {
        return a;
      }

      @Override
      public boolean yes() {
        return true;
      }

      @Override
      public String text(Integer a) {
        return "x";
      }
    };
    return LocalMethod.bind(model(name), impl, gson);
  }

  /** The same body through Gson's JsonWriter only (not the plain path). */
  private static MessageWriter.Body viaJsonWriter(MessageWriter.Body b) {
    return b::write;
  }

  @Test
  void plainResultsAreWrittenAsGsonWritesThem() throws IOException {
    Gson gson = new Gson();
    MessageWriter writer = new MessageWriter(gson);
    Object[][] cases = {{"subtract", -19}, {"subtract", Integer.MIN_VALUE}, {"big", Long.MAX_VALUE},
        {"big", -1L}, {"yes", true}, {"yes", false}};
    for (Object[] c : cases) {
      MessageWriter.Body body = local((String) c[0], gson).resultBody(c[1]);
      assertInstanceOf(MessageWriter.PlainBody.class, body, (String) c[0]);
      for (Id id : new Id[] {Id.of(7), Id.ofNumberLiteral("1.50e3"), Id.NULL, Id.ofString("a\"b")}) {
        assertEquals(writer.result(id, viaJsonWriter(body)), writer.result(id, body), c[0] + " " + id);
      }
    }
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1.50e3,\"result\":-19}",
        writer.result(Id.ofNumberLiteral("1.50e3"), local("subtract", gson).resultBody(-19)));
  }

  @Test
  void otherResultsAndPoliciesStayOnGson() {
    Gson longsAsStrings =
        new GsonBuilder().setLongSerializationPolicy(LongSerializationPolicy.STRING).create();
    assertFalse(local("big", longsAsStrings).resultBody(5L) instanceof MessageWriter.PlainBody);
    assertFalse(local("text", new Gson()).resultBody("x") instanceof MessageWriter.PlainBody);
  }

  @Test
  void plainParamsAreWrittenAsGsonWritesThem() {
    Gson gson = new Gson();
    MessageWriter writer = new MessageWriter(gson);
    RemoteMethod subtract = new RemoteMethod(model("subtract"), gson);
    MessageWriter.Body params = subtract.params(new Object[] {42, -23});
    assertInstanceOf(MessageWriter.PlainBody.class, params);
    for (String name : new String[] {"subtract", "calc/sub.x_y$-1", "needs \"escaping\"", "<html>="}) {
      assertEquals(writer.request(9, name, viaJsonWriter(params)), writer.request(9, name, params), name);
      assertEquals(writer.notification(name, viaJsonWriter(params)), writer.notification(name, params));
    }
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"subtract\",\"params\":[42,-23]}",
        writer.request(9, "subtract", params));
    MessageWriter.Body big = new RemoteMethod(model("big"), gson).params(new Object[] {1L << 60, false});
    assertEquals(writer.request(3, "big", viaJsonWriter(big)), writer.request(3, "big", big));
    // A null argument and a boxed Integer param that may be null take Gson's path.
    assertFalse(new RemoteMethod(model("text"), gson).params(new Object[] {null})
        instanceof MessageWriter.PlainBody);
    assertTrue(new RemoteMethod(model("text"), gson).params(new Object[] {5})
        instanceof MessageWriter.PlainBody);
  }
}
