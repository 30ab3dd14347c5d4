package dev.duplexrpc.core;

import static dev.duplexrpc.core.WireJson.assertJsonEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.FieldNamingStrategy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.annotation.RpcError;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcService;
import dev.duplexrpc.core.internal.OpenRpcGenerator;
import dev.duplexrpc.testing.OpenRpcValidator;
import dev.duplexrpc.core.internal.ServiceMethod;
import dev.duplexrpc.core.internal.ServiceModel;
import dev.duplexrpc.core.transport.InMemoryTransport;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code rpc.discover}: the built-in method, its configuration and the annotations it reads. */
class DiscoveryTest {

  /**
   * A greeting.
   *
   * @param text the text
   * @param sentAtMillis when
   */
  public record Greeting(String text, long sentAtMillis) {}

  /** Served by one end. */
  @RpcService(prefix = "greeter.")
  public interface Greeter {
    /**
     * Greets.
     *
     * @param name who
     * @return the greeting
     */
    @RpcMethod(description = "Greets someone.")
    Greeting greet(String name);
  }

  /** Served by the other end. */
  public interface Counter {
    /**
     * Adds.
     *
     * @param delta how much
     * @return the new count
     */
    @RpcMethod
    @RpcError(code = 1001, message = "Counter overflow")
    long add(int delta);

    /** Resets, one way. */
    @RpcNotification
    void reset();
  }

  /** Declares one code twice. */
  public interface DuplicateErrorCodes {
    /** Wrong. */
    @RpcMethod
    @RpcError(code = 1001, message = "Account locked")
    @RpcError(code = 1001, message = "Account closed")
    void lock();
  }

  /** Declares an error on a notification. */
  public interface NotificationWithError {
    /** Wrong. */
    @RpcNotification
    @RpcError(code = 1001, message = "Never sent")
    void ping();
  }

  /** Tries to take over the built-in method. */
  public interface OwnDiscover {
    /**
     * Wrong.
     *
     * @return anything
     */
    @RpcMethod("rpc.discover")
    String discover();
  }

  private static final Greeter GREETER = name -> new Greeting("Hello, " + name, 0);

  private static final Counter COUNTER = new Counter() {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public long add(int delta) {
      return count.addAndGet(delta);
    }

    @Override
    public void reset() {
      count.set(0);
    }
  };

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Peer[] connect(Peer.Builder a, Peer.Builder b) {
    InMemoryTransport.Pair pair = InMemoryTransport.pair();
    Peer pa = a.transport(pair.first()).build();
    Peer pb = b.transport(pair.second()).build();
    closeables.add(pa);
    closeables.add(pb);
    return new Peer[] {pa, pb};
  }

  private RawEnd raw(Peer.Builder builder) {
    RawEnd raw = RawEnd.connect(builder);
    closeables.add(raw);
    return raw;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  /** What the generator makes for these services, as a Peer with default settings lists them. */
  private static JsonObject expected(String title, String version, Class<?>... services) {
    List<ServiceMethod> methods = new ArrayList<>();
    for (Class<?> s : services) {
      methods.addAll(ServiceModel.of(s).methods());
    }
    return OpenRpcGenerator.generate(methods, title, version, new Gson(), true);
  }

  private static List<String> methodNames(JsonObject doc) {
    List<String> names = new ArrayList<>();
    for (JsonElement m : doc.getAsJsonArray("methods")) {
      names.add(m.getAsJsonObject().get("name").getAsString());
    }
    return names;
  }

  @Test
  void eachEndAnswersRpcDiscoverWithTheDocumentOfItsOwnMethods() throws Exception {
    Peer[] p = connect(
        Peer.builder().service(GREETER).config(PeerConfig.builder().discoveryInfo("Greeter", "1.0.0").build()),
        Peer.builder().service(COUNTER).config(PeerConfig.builder().discoveryInfo("Counter", "2.0.0").build()));
    JsonObject ofCounterEnd = await(p[0].discover());
    JsonObject ofGreeterEnd = await(p[1].discover());
    assertEquals(expected("Counter", "2.0.0", Counter.class), ofCounterEnd);
    assertEquals(expected("Greeter", "1.0.0", Greeter.class), ofGreeterEnd);
    assertEquals(List.of("add", "reset", "rpc.discover"), methodNames(ofCounterEnd));
    assertEquals(List.of("greeter.greet", "rpc.discover"), methodNames(ofGreeterEnd));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(ofCounterEnd));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(ofGreeterEnd));
  }

  @Test
  void endsServingTheSameServicesAnswerTheSameDocument() throws Exception {
    Peer[] p = connect(
        Peer.builder().service(GREETER).service(COUNTER),
        Peer.builder().service(GREETER).service(COUNTER));
    JsonObject a = await(p[0].discover());
    JsonObject b = await(p[1].discover());
    assertEquals(a, b);
    assertEquals(expected("Duplex RPC service", "0.0.0", Greeter.class, Counter.class), a);
    assertEquals(List.of("add", "greeter.greet", "reset", "rpc.discover"), methodNames(a));
  }

  @Test
  void defaultInfoIsDuplexRpcServiceVersionZero() throws Exception {
    Peer[] p = connect(Peer.builder(), Peer.builder().service(COUNTER));
    assertJsonEquals("{\"title\":\"Duplex RPC service\",\"version\":\"0.0.0\"}",
        await(p[0].discover()).get("info").toString());
  }

  @Test
  void aPeerWithoutServicesStillDescribesRpcDiscover() throws Exception {
    Peer[] p = connect(Peer.builder().service(COUNTER), Peer.builder());
    JsonObject doc = await(p[0].discover());
    assertEquals(List.of("rpc.discover"), methodNames(doc));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(doc));
  }

  @Test
  void rpcDiscoverOnTheWireTakesNoParamsByPositionOrByName() {
    RawEnd raw = raw(Peer.builder().service(COUNTER).config(PeerConfig.builder().discoveryInfo("Counter", "1").build()));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.discover\"}");
    JsonElement none = raw.nextJson();
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.discover\",\"params\":[]}");
    assertEquals(none, raw.nextJson());
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.discover\",\"params\":{}}");
    assertEquals(none, raw.nextJson());
    JsonObject doc = none.getAsJsonObject().getAsJsonObject("result");
    assertEquals("1.3.2", doc.get("openrpc").getAsString());
    // the raw end's Peer also serves the test barrier, listed like any other method
    assertEquals(List.of("add", "reset", RawEnd.BARRIER_METHOD, "rpc.discover"), methodNames(doc));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"rpc.discover\",\"params\":[true]}");
    assertJsonEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"Invalid params\","
            + "\"data\":{\"reason\":\"too many params: rpc.discover takes 0, got 1\"}}}",
        raw.nextFrame());
    raw.assertExhausted();
  }

  @Test
  void notificationToRpcDiscoverGetsNoResponse() {
    RawEnd raw = raw(Peer.builder().service(COUNTER));
    raw.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\"}");
    raw.assertNothingSent();
    raw.assertExhausted();
  }

  @Test
  void discoveryOffAnswersMethodNotFound() throws Exception {
    RawEnd raw = raw(Peer.builder().service(COUNTER).config(PeerConfig.builder().discovery(false).build()));
    raw.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"rpc.discover\"}");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
        raw.nextFrame());
    raw.assertExhausted();

    Peer[] p = connect(Peer.builder(), Peer.builder().service(COUNTER).config(PeerConfig.builder().discovery(false).build()));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(p[0].discover()));
    RpcException rpc = assertInstanceOf(RpcException.class, e.getCause());
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, rpc.code());
    assertEquals(42L, p[0].remote(Counter.class).add(42)); // the rest still works
  }

  @Test
  void rpcDiscoverIsNotAmongLocalMethods() {
    Peer[] p = connect(Peer.builder().service(COUNTER), Peer.builder());
    assertEquals(List.of("add", "reset"), new ArrayList<>(p[0].localMethods()));
  }

  @Test
  void documentFollowsThePeersGson() throws Exception {
    Gson gson = new GsonBuilder().setFieldNamingPolicy(FieldNamingPolicy.UPPER_CAMEL_CASE).create();
    Peer[] p = connect(Peer.builder().config(PeerConfig.builder().gson(gson).build()), Peer.builder().service(GREETER).config(PeerConfig.builder().gson(gson).build()));
    JsonObject greeting = await(p[0].discover())
        .getAsJsonObject("components").getAsJsonObject("schemas").getAsJsonObject("Greeting");
    assertEquals(List.of("Text", "SentAtMillis"),
        new ArrayList<>(greeting.getAsJsonObject("properties").keySet()));
    assertEquals("Hello, Ada", p[0].remote(Greeter.class).greet("Ada").text()); // same names

  }

  @Test
  void documentIsMadeOnceForAllPeersBuiltFromCopiesOfOneBuilder() throws Exception {
    AtomicInteger namings = new AtomicInteger();
    FieldNamingStrategy counting = f -> {
      if (f.getDeclaringClass() == Greeting.class && f.getName().equals("text")) {
        namings.incrementAndGet(); // once for Gson's adapter, once per document made
      }
      return f.getName();
    };
    PeerConfig config = PeerConfig.builder().service(GREETER)
        .gson(new GsonBuilder().setFieldNamingStrategy(counting).create()).build();
    Peer[] first = connect(Peer.builder(), Peer.builder().config(config));
    JsonObject doc = await(first[0].discover());
    int afterFirstDocument = namings.get();
    Peer[] second = connect(Peer.builder(), Peer.builder().config(config));
    assertEquals(doc, await(first[0].discover()));
    assertEquals(doc, await(second[0].discover()));
    assertEquals(afterFirstDocument, namings.get(), "a second document was made");

    Peer[] renamed = connect(Peer.builder(),
        Peer.builder().config(config.newBuilder().discoveryInfo("Renamed", "9").build()));
    JsonObject other = await(renamed[0].discover());
    assertEquals("Renamed", other.getAsJsonObject("info").get("title").getAsString());
    assertEquals(afterFirstDocument + 1, namings.get());
    assertEquals(doc.get("methods"), other.get("methods"));
    Peer[] third = connect(Peer.builder(), Peer.builder().config(config)); // the first settings
    assertEquals(doc, await(third[0].discover()));
    assertEquals(afterFirstDocument + 1, namings.get(), "the first document was made again");
  }

  @Test
  void discoveryInfoRejectsEmptyAndNullValues() {
    PeerConfig.Builder b = PeerConfig.builder();
    assertThrows(IllegalArgumentException.class, () -> b.discoveryInfo("", "1"));
    assertThrows(IllegalArgumentException.class, () -> b.discoveryInfo("t", ""));
    assertThrows(NullPointerException.class, () -> b.discoveryInfo(null, "1"));
    assertThrows(NullPointerException.class, () -> b.discoveryInfo("t", null));
  }

  @Test
  void derivedConfigKeepsDiscoverySettings() throws Exception {
    PeerConfig off = PeerConfig.builder().service(COUNTER).discovery(false).build();
    Peer[] p = connect(Peer.builder(), Peer.builder().config(off.newBuilder().build()));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(p[0].discover()));
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, ((RpcException) e.getCause()).code());

    PeerConfig named = PeerConfig.builder().service(COUNTER).discoveryInfo("Counter", "3.1").build();
    Peer[] q = connect(Peer.builder(), Peer.builder().config(named.newBuilder().build()));
    assertJsonEquals("{\"title\":\"Counter\",\"version\":\"3.1\"}",
        await(q[0].discover()).get("info").toString());
  }

  /** An OpenRPC method object for a method served by a fallback handler. */
  private static JsonObject echoDescription() {
    return JsonParser.parseString("{\"name\":\"echo\",\"description\":\"Answers its text.\","
        + "\"params\":[{\"name\":\"text\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
        + "\"result\":{\"name\":\"echoResult\",\"schema\":{\"type\":\"string\"}}}").getAsJsonObject();
  }

  private static JsonObject described(String name) {
    return JsonParser.parseString("{\"name\":\"" + name + "\",\"params\":[]}").getAsJsonObject();
  }

  @Test
  void describedMethodsAreListedAsGivenAmongTheServedOnesInNameOrder() throws Exception {
    FallbackHandler echo = (call, params) -> JsonParser.parseString(params).getAsJsonArray().get(0);
    Peer[] p = connect(Peer.builder(), Peer.builder().service(COUNTER).fallback(echo)
        .config(PeerConfig.builder().discoveryMethods(List.of(echoDescription(), described("zap"))).build()));
    JsonObject doc = await(p[0].discover());
    assertEquals(List.of("add", "echo", "reset", "zap", "rpc.discover"), methodNames(doc));
    assertEquals(echoDescription(), doc.getAsJsonArray("methods").get(1));
    assertEquals(List.of(), OpenRpcValidator.metaSchemaErrors(doc));
    assertEquals("hi", await(p[0].call("echo", String.class, "hi"))); // as described
  }

  @Test
  void describedMethodsAreCopiedWhenSet() throws Exception {
    JsonObject echo = echoDescription();
    Peer.Builder b = Peer.builder().config(PeerConfig.builder().discoveryMethods(List.of(echo)).build());
    echo.addProperty("name", "changed");
    echo.add("params", new JsonArray());
    Peer[] p = connect(Peer.builder(), b);
    JsonObject doc = await(p[0].discover());
    assertEquals(echoDescription(), doc.getAsJsonArray("methods").get(0));
  }

  @Test
  void discoveryMethodsRejectsWhatIsNotAMethodObject() {
    PeerConfig.Builder b = PeerConfig.builder();
    String noName = assertThrows(IllegalArgumentException.class,
        () -> b.discoveryMethods(List.of(JsonParser.parseString("{\"params\":[]}").getAsJsonObject())))
        .getMessage();
    assertTrue(noName.contains("without a name"), noName);
    assertThrows(IllegalArgumentException.class,
        () -> b.discoveryMethods(List.of(JsonParser.parseString("{\"name\":7,\"params\":[]}").getAsJsonObject())));
    assertThrows(IllegalArgumentException.class, () -> b.discoveryMethods(List.of(described(""))));
    String noParams = assertThrows(IllegalArgumentException.class,
        () -> b.discoveryMethods(List.of(JsonParser.parseString("{\"name\":\"x\"}").getAsJsonObject())))
        .getMessage();
    assertTrue(noParams.contains("'x' without a params array"), noParams);
    String twice = assertThrows(IllegalArgumentException.class,
        () -> b.discoveryMethods(List.of(described("x"), described("x")))).getMessage();
    assertTrue(twice.contains("two method objects named 'x'"), twice);
    String builtin = assertThrows(IllegalArgumentException.class,
        () -> b.discoveryMethods(List.of(described("rpc.discover")))).getMessage();
    assertTrue(builtin.contains("'rpc.discover' is built in"), builtin);
    List<JsonObject> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> b.discoveryMethods(withNull));
    assertThrows(NullPointerException.class, () -> b.discoveryMethods(null));
  }

  @Test
  void describedMethodNamingAServedMethodFailsBuild() {
    PeerConfig.Builder b = PeerConfig.builder().service(COUNTER)
        .discoveryMethods(List.of(described("add")));
    String m = assertThrows(IllegalArgumentException.class, b::build).getMessage();
    assertTrue(m.contains("'add'"), m);
    assertTrue(m.contains("for method Counter.add"), m);
  }

  @Test
  void documentWithDescribedMethodsIsMadeOnceForCopiesAndAgainForOtherObjects() throws Exception {
    AtomicInteger namings = new AtomicInteger();
    FieldNamingStrategy counting = f -> {
      if (f.getDeclaringClass() == Greeting.class && f.getName().equals("text")) {
        namings.incrementAndGet(); // once for Gson's adapter, once per document made
      }
      return f.getName();
    };
    PeerConfig template = PeerConfig.builder().service(GREETER)
        .gson(new GsonBuilder().setFieldNamingStrategy(counting).create()).build();
    Peer[] first = connect(Peer.builder(), Peer.builder()
        .config(template.newBuilder().discoveryMethods(List.of(described("a"))).build()));
    JsonObject doc = await(first[0].discover());
    int afterFirstDocument = namings.get();
    // equal objects, not the same ones: the same document
    Peer[] second = connect(Peer.builder(), Peer.builder()
        .config(template.newBuilder().discoveryMethods(List.of(described("a"))).build()));
    assertEquals(doc, await(second[0].discover()));
    assertEquals(afterFirstDocument, namings.get(), "a second document was made");

    Peer[] other = connect(Peer.builder(), Peer.builder()
        .config(template.newBuilder().discoveryMethods(List.of(described("b"))).build()));
    assertEquals(List.of("b", "greeter.greet", "rpc.discover"), methodNames(await(other[0].discover())));
    assertEquals(afterFirstDocument + 1, namings.get());
  }

  @Test
  void describedMethodsAreIgnoredWithDiscoveryOff() throws Exception {
    Peer[] p = connect(Peer.builder(),
        Peer.builder().service(COUNTER).config(PeerConfig.builder().discoveryMethods(List.of(described("add"))).discovery(false).build()));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(p[0].discover()));
    assertEquals(ErrorCodes.METHOD_NOT_FOUND, ((RpcException) e.getCause()).code());
    assertTrue(p[1].isOpen()); // built although "add" is both served and described
  }

  private static IllegalArgumentException registrationError(Class<?> iface) {
    Object impl = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, (p, m, a) -> {
      throw new UnsupportedOperationException(m.getName());
    });
    return assertThrows(IllegalArgumentException.class, () -> Peer.builder().service(impl));
  }

  @Test
  void duplicateErrorCodesOnOneMethodFailRegistrationNamingTheCode() {
    String m = registrationError(DuplicateErrorCodes.class).getMessage();
    assertTrue(m.contains("code 1001"), m);
    assertTrue(m.contains("for method DuplicateErrorCodes.lock"), m);
  }

  @Test
  void errorsDeclaredOnANotificationFailRegistration() {
    String m = registrationError(NotificationWithError.class).getMessage();
    assertTrue(m.contains("@RpcError"), m);
    assertTrue(m.contains("for method NotificationWithError.ping"), m);
  }

  @Test
  void userMethodNamedRpcDiscoverFailsRegistration() {
    String m = registrationError(OwnDiscover.class).getMessage();
    assertTrue(m.contains("'rpc.discover'"), m);
    assertTrue(m.contains("for method OwnDiscover.discover"), m);
  }
}
