package dev.duplexrpc.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.FieldNamingStrategy;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.client.ClientConnection;
import dev.duplexrpc.client.RpcClient;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.testing.OpenRpcValidator;
import dev.duplexrpc.testing.JdkWebSocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The events extension in the server's {@code rpc.discover} document: {@code rpc.on} and {@code
 * rpc.off} are listed, with the declared events, exactly when the server declares events.
 */
class EventsDiscoveryTest {
  static final long WAIT = JdkWebSocketClient.WAIT_SECONDS;

  /**
   * A result with a schema of its own.
   *
   * @param millis the time
   */
  public record Time(long millis) {}

  /** A service, so that the document has a method of its own. */
  public interface Clock {
    /**
     * The time.
     *
     * @return the time
     */
    @RpcMethod
    Time now();
  }

  private static final String STATUSES_ON =
      "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"enum\":"
          + "[\"ok\",\"provided event invalid\",\"socket has already been subscribed to event\"]}}";
  private static final String STATUSES_OFF =
      "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"enum\":"
          + "[\"ok\",\"provided event invalid\",\"not subscribed\"]}}";

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private RpcServer start(RpcServer.Builder builder) throws Exception {
    RpcServer server = builder.service((Clock) () -> new Time(42L)).build().start();
    closeables.add(server);
    return server;
  }

  private ClientConnection connect(RpcServer server) throws Exception {
    ClientConnection c = RpcClient.builder().uri(server.uri()).build().connect();
    closeables.add(c);
    return c;
  }

  private static JsonObject discover(ClientConnection c) throws Exception {
    return c.peer().discover().get(WAIT, TimeUnit.SECONDS);
  }

  private static List<String> methodNames(JsonObject doc) {
    List<String> names = new ArrayList<>();
    for (JsonElement m : doc.getAsJsonArray("methods")) {
      names.add(m.getAsJsonObject().get("name").getAsString());
    }
    return names;
  }

  private static JsonObject method(JsonObject doc, String name) {
    for (JsonElement m : doc.getAsJsonArray("methods")) {
      if (m.getAsJsonObject().get("name").getAsString().equals(name)) {
        return m.getAsJsonObject();
      }
    }
    throw new AssertionError(name + " is not in " + methodNames(doc));
  }

  private static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  @Test
  void serverWithEventsListsRpcOnAndRpcOffWithTheDeclaredEvents() throws Exception {
    RpcServer server = start(RpcServer.builder().event("tick").event("feed"));
    JsonObject doc = discover(connect(server));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(doc));
    assertEquals(List.of("now", "rpc.off", "rpc.on", "rpc.discover"), methodNames(doc));
    String event = "[{\"name\":\"event\",\"description\":\"A declared event; the enum lists them.\","
        + "\"required\":true,\"schema\":{\"type\":\"string\",\"enum\":[\"feed\",\"tick\"]}}]";
    assertEquals(json("{\"name\":\"rpc.on\","
        + "\"description\":\"Subscribes this connection to events. Each param is an event name; the"
        + " first is described here, and any number may follow. The result maps each name to"
        + " \\\"ok\\\", \\\"provided event invalid\\\" (not a declared event) or \\\"socket has"
        + " already been subscribed to event\\\".\","
        + "\"paramStructure\":\"by-position\",\"params\":" + event + ","
        + "\"result\":{\"name\":\"rpc.onResult\",\"schema\":" + STATUSES_ON + "}}"),
        method(doc, "rpc.on"));
    assertEquals(json("{\"name\":\"rpc.off\","
        + "\"description\":\"Unsubscribes this connection from events. Each param is an event name;"
        + " the first is described here, and any number may follow. The result maps each name to"
        + " \\\"ok\\\", \\\"provided event invalid\\\" (not a declared event) or \\\"not"
        + " subscribed\\\".\","
        + "\"paramStructure\":\"by-position\",\"params\":" + event + ","
        + "\"result\":{\"name\":\"rpc.offResult\",\"schema\":" + STATUSES_OFF + "}}"),
        method(doc, "rpc.off"));
  }

  @Test
  void rpcOnCalledAsDescribedAnswersStatusesTheResultSchemaAllows() throws Exception {
    RpcServer server = start(RpcServer.builder().event("tick").event("feed"));
    ClientConnection c = connect(server);
    JsonObject doc = discover(c);
    JsonObject on = method(doc, "rpc.on");
    JsonObject statuses = c.peer().<JsonObject>call("rpc.on", JsonObject.class, "feed", "tick", "nope")
        .get(WAIT, TimeUnit.SECONDS);
    assertEquals(json("{\"feed\":\"ok\",\"tick\":\"ok\",\"nope\":\"provided event invalid\"}"),
        statuses);
    assertEquals(List.of(), OpenRpcValidator.valueErrors(doc,
        on.getAsJsonObject("result").get("schema"), statuses));
    assertEquals(List.of(), OpenRpcValidator.valueErrors(doc,
        on.getAsJsonArray("params").get(0).getAsJsonObject().get("schema"), json("\"feed\"")));
    // One array param, the form the document does not use, is not what rpc.on takes.
    ExecutionException e = assertThrows(ExecutionException.class, () -> c.peer()
        .call("rpc.on", Object.class, List.of("feed")).get(WAIT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.INVALID_PARAMS, assertInstanceOf(RpcException.class, e.getCause()).code());
  }

  @Test
  void serverWithoutEventsDoesNotListRpcOnOrRpcOff() throws Exception {
    RpcServer server = start(RpcServer.builder());
    JsonObject doc = discover(connect(server));
    assertEquals(List.of("now", "rpc.discover"), methodNames(doc));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(doc));
  }

  @Test
  void eventDeclaredLaterIsListedToConnectionsOpenedAfterwards() throws Exception {
    RpcServer server = start(RpcServer.builder());
    ClientConnection before = connect(server);
    // A call answered: the server has built this connection's Peer (connect() may return first).
    assertEquals(new Time(42L), before.peer().call("now", Time.class).get(WAIT, TimeUnit.SECONDS));
    server.events().declare("late");
    JsonObject after = discover(connect(server));
    assertEquals(List.of("now", "rpc.off", "rpc.on", "rpc.discover"), methodNames(after));
    assertEquals(json("{\"type\":\"string\",\"enum\":[\"late\"]}"), method(after, "rpc.on")
        .getAsJsonArray("params").get(0).getAsJsonObject().get("schema"));
    assertEquals(List.of("now", "rpc.discover"), methodNames(discover(before)));
    server.events().declare("later");
    server.events().declare("late"); // again: no change
    JsonObject third = discover(connect(server));
    assertEquals(json("{\"type\":\"string\",\"enum\":[\"late\",\"later\"]}"), method(third, "rpc.off")
        .getAsJsonArray("params").get(0).getAsJsonObject().get("schema"));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(third));
  }

  @Test
  void connectionsOpenedWithTheSameEventsShareOneDocument() throws Exception {
    AtomicInteger namings = new AtomicInteger();
    FieldNamingStrategy counting = f -> {
      if (f.getDeclaringClass() == Time.class) {
        namings.incrementAndGet(); // once for Gson's adapter, once per document made
      }
      return f.getName();
    };
    RpcServer server = start(RpcServer.builder().event("tick")
        .gson(new GsonBuilder().setFieldNamingStrategy(counting).create()));
    JsonObject first = discover(connect(server));
    int afterFirstDocument = namings.get();
    assertEquals(first, discover(connect(server)));
    assertEquals(afterFirstDocument, namings.get(), "a second document was made");

    server.events().declare("feed");
    JsonObject withFeed = discover(connect(server));
    assertEquals(afterFirstDocument + 1, namings.get());
    assertEquals(json("[\"feed\",\"tick\"]"), method(withFeed, "rpc.on").getAsJsonArray("params")
        .get(0).getAsJsonObject().getAsJsonObject("schema").get("enum"));
    assertEquals(withFeed, discover(connect(server)));
    assertEquals(afterFirstDocument + 1, namings.get(), "the document with feed was made again");
  }

  @Test
  void serverAndClientBuildersSetTheDocumentsInfoAndCanTurnDiscoveryOff() throws Exception {
    RpcServer server = start(RpcServer.builder().discoveryInfo("Clock", "2.1.0"));
    ClientConnection c = RpcClient.builder().uri(server.uri()).discovery(false).build().connect();
    closeables.add(c);
    JsonObject info = discover(c).getAsJsonObject("info");
    assertEquals("Clock", info.get("title").getAsString());
    assertEquals("2.1.0", info.get("version").getAsString());
    // The client turned its own document off: the server asking for it gets -32601.
    ServerConnection fromServer = server.connections().iterator().next();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> fromServer.peer().discover().get(WAIT, TimeUnit.SECONDS));
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, assertInstanceOf(RpcException.class, e.getCause()).code());

    RpcServer quiet = start(RpcServer.builder().discovery(false));
    ClientConnection d = RpcClient.builder().uri(quiet.uri()).discoveryInfo("Caller", "0.1").build().connect();
    closeables.add(d);
    ExecutionException off = assertThrows(ExecutionException.class, () -> discover(d));
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, assertInstanceOf(RpcException.class, off.getCause()).code());
    ServerConnection other = quiet.connections().iterator().next();
    assertEquals("Caller",
        other.peer().discover().get(WAIT, TimeUnit.SECONDS).getAsJsonObject("info").get("title").getAsString());
  }
}
