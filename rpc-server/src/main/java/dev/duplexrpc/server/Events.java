package dev.duplexrpc.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.Builtins;
import dev.duplexrpc.core.internal.OpenRpcGenerator;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.server.cluster.internal.ClusterNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's named events: the ones it declared, which connections subscribed to each, and
 * publishing to them. Clients subscribe with the {@code rpc.on} / {@code rpc.off} extension,
 * which answers exactly as the Node library {@code rpc-websockets} does, so its clients work
 * unchanged.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .service(new FeedImpl())
 *     .event("feedUpdated")                    // declared: clients may subscribe to it
 *     .build()
 *     .start();
 * ...
 * int reached = server.events().publish("feedUpdated", new Feed(7, "x"));
 * }</pre>
 *
 * <h2>Subscriptions</h2>
 *
 * {@code rpc.on} takes an array of event names and answers a map from each name to a status:
 * {@code "ok"}, {@code "provided event invalid"} (not declared) or {@code "socket has already
 * been subscribed to event"}; {@code rpc.off} answers {@code "ok"}, {@code "provided event
 * invalid"} or {@code "not subscribed"}. Params that are not an array of strings get {@link
 * ErrorCodes#INVALID_PARAMS}. A connection's subscriptions end with the connection.
 *
 * <h2>Publishing</h2>
 *
 * {@link #publish} converts the payload to JSON once, with the server's Gson, and builds one
 * frame text per {@link EventForm} that the subscribers use, shared by all of them; it hands the
 * frames to the connections' sockets without blocking. Events published from one thread reach
 * each connection in the order they were published. A connection closing meanwhile simply misses
 * the event.
 *
 * <p>This class is thread-safe.
 *
 * @since 0.1
 */
public final class Events {
  private static final System.Logger LOG = System.getLogger(Events.class.getName());
  private static final Gson DEFAULT_GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** The wire name of the subscribe request. */
  static final String ON = "rpc.on";
  /** The wire name of the unsubscribe request. */
  static final String OFF = "rpc.off";

  /** {@code rpc.on}: subscribed. Also {@code rpc.off}: unsubscribed. */
  static final String OK = "ok";
  /** The event is not declared. */
  static final String INVALID = "provided event invalid";
  /** {@code rpc.on} for an event the connection already subscribed to. */
  static final String ALREADY = "socket has already been subscribed to event";
  /** {@code rpc.off} for an event the connection did not subscribe to. */
  static final String NOT_SUBSCRIBED = "not subscribed";

  private final Gson gson;
  private final int maxMessageSize;
  private final ConcurrentHashMap<String, Set<ServerConnection>> subscribers =
      new ConcurrentHashMap<>();
  /** Counts the declarations, so that {@link #discoveryMethods()} knows when to describe anew. */
  private final AtomicInteger declarations = new AtomicInteger();
  private volatile Described described = new Described(0, List.of());
  /** The cluster events are relayed through; set once by the endpoint. */
  volatile ClusterNode cluster;

  Events(Collection<String> declared, Gson gson, int maxMessageSize) {
    this.gson = gson == null ? DEFAULT_GSON : gson;
    this.maxMessageSize = maxMessageSize;
    for (String name : declared) {
      declare(name);
    }
  }

  /**
   * Declares an event, so that clients may subscribe to it. Declaring a declared event again does
   * nothing.
   *
   * @param name the event name, not empty
   * @return true if it was not declared before
   */
  public boolean declare(String name) {
    checkName(name);
    if (subscribers.putIfAbsent(name, ConcurrentHashMap.newKeySet()) != null) {
      return false;
    }
    declarations.incrementAndGet(); // after the put: a description made for an older count is redone
    return true;
  }

  /**
   * Whether an event is declared.
   *
   * @param name the event name
   * @return true if clients may subscribe to it
   */
  public boolean isDeclared(String name) {
    Objects.requireNonNull(name, "name == null");
    return subscribers.containsKey(name);
  }

  /**
   * The declared events.
   *
   * @return an unmodifiable, sorted snapshot
   */
  public Set<String> names() {
    return Collections.unmodifiableSet(new TreeSet<>(subscribers.keySet()));
  }

  /**
   * The open connections subscribed to an event at this moment.
   *
   * @param name a declared event
   * @return an unmodifiable snapshot
   * @throws IllegalArgumentException if the event is not declared
   */
  public Collection<ServerConnection> subscribers(String name) {
    List<ServerConnection> open = new ArrayList<>();
    for (ServerConnection c : declared(name)) {
      if (c.isOpen()) {
        open.add(c);
      }
    }
    return Collections.unmodifiableList(open);
  }

  /**
   * Sends an event to every open connection subscribed to it: the payload, converted to JSON
   * once with the server's Gson, as the one element of the {@code params} array, in each
   * connection's {@link EventForm}. Returns without waiting for the sockets.
   *
   * <pre>{@code
   * // to JSON-RPC connections:       {"jsonrpc":"2.0","method":"tick","params":[{"n":1}]}
   * // to rpc-websockets connections: {"notification":"tick","params":[{"n":1}]}
   * server.events().publish("tick", Map.of("n", 1));
   * }</pre>
   *
   * <h4>In a cluster</h4>
   *
   * On a server with a {@link dev.duplexrpc.server.cluster.Backplane backplane} the event also
   * goes to every other node, which hands it to its own subscribers (the JSON text written here,
   * not converted again). It reaches this node's subscribers at once and the others' a moment
   * later; the count returned is this node's only.
   *
   * @param name a declared event
   * @param payload the payload, converted by its runtime class; null sends {@code [null]}
   * @return the number of connections of this node the event was handed to
   * @throws IllegalArgumentException if the event is not declared, or Gson cannot write the
   *     payload as strict JSON (NaN, for example)
   * @throws RpcException with {@link ErrorCodes#LIMIT_EXCEEDED} if the message would be longer
   *     than the server's {@code maxMessageSize}; nothing is sent then. With {@link
   *     ErrorCodes#UNREACHABLE} in a cluster whose backplane is unavailable: the event reached
   *     this node's subscribers (their number is {@code data.delivered}) but no other node
   */
  public int publish(String name, Object payload) {
    Set<ServerConnection> targets = declared(name);
    ClusterNode c = cluster;
    boolean clustered = c != null && c.isClustered();
    if (targets.isEmpty() && !clustered) {
      return 0;
    }
    String params = "[" + json(payload) + "]";
    int length = frameLength(name, params);
    if (length > maxMessageSize) {
      JsonObject data = new JsonObject();
      data.addProperty("reason", "event '" + name + "' is " + length
          + " characters, over the limit of " + maxMessageSize);
      throw new RpcException(ErrorCodes.LIMIT_EXCEEDED, "Limit exceeded", data);
    }
    int sent = deliver(targets, name, params);
    if (clustered) {
      c.relayEvent(name, params, sent);
    }
    return sent;
  }

  /** The length of the standard frame of an event. */
  private int frameLength(String name, String params) {
    return "{\"jsonrpc\":\"2.0\",\"method\":,\"params\":}".length() + json(name).length() + params.length();
  }

  /**
   * Delivers an event that another node published: its params array as that node wrote it, not
   * converted again. An event not declared here has no subscribers here.
   */
  int deliverFromCluster(String name, String params) {
    Set<ServerConnection> targets = subscribers.get(name);
    if (targets == null) {
      LOG.log(System.Logger.Level.DEBUG, "Event {0} from the cluster is not declared here", name);
      return 0;
    }
    return deliver(targets, name, params);
  }

  /** Sends one event to the open connections of a set: one frame text per event form in use. */
  private int deliver(Set<ServerConnection> targets, String name, String params) {
    if (targets.isEmpty()) {
      return 0;
    }
    String quotedName = json(name);
    String standard = null;
    String compat = null;
    int sent = 0;
    for (ServerConnection c : targets) {
      if (!c.isOpen()) {
        continue;
      }
      String frame;
      if (c.eventForm() == EventForm.RPC_WEBSOCKETS) {
        if (compat == null) {
          compat = "{\"notification\":" + quotedName + ",\"params\":" + params + "}";
        }
        frame = compat;
      } else {
        if (standard == null) {
          standard = "{\"jsonrpc\":\"2.0\",\"method\":" + quotedName + ",\"params\":" + params + "}";
        }
        frame = standard;
      }
      c.sendFrame(frame);
      sent++;
    }
    return sent;
  }

  @Override
  public String toString() {
    return "Events" + names();
  }

  // ---------------------------------------------------------------------------------------------
  // rpc.on / rpc.off

  /** The OpenRPC method objects of {@code rpc.on} and {@code rpc.off}, for a declaration count. */
  private record Described(int declarations, List<JsonObject> methods) {}

  /**
   * The OpenRPC method objects of {@code rpc.on} and {@code rpc.off} for the events declared now,
   * for a connection's {@code rpc.discover} document; none while no event is declared. Made again
   * only after a declaration, so the connections opened in between share one list, checked once
   * (the builder takes it without copying it), and, through the builder's cache, one document.
   */
  /** The connections' built-in {@code rpc.on} and {@code rpc.off}, described with the events declared now. */
  Builtins builtins() {
    List<JsonObject> described = discoveryMethods();
    Object[] b = builtins;
    if (b == null || b[0] != described) { // made again only after a declaration: shared till then
      b = new Object[] {described, new Builtins(Map.of(ON, this::serve, OFF, this::serve), described)};
      builtins = b;
    }
    return (Builtins) b[1];
  }

  /** The last {@link #builtins()}: {the described list it was made with, the Builtins}. */
  private volatile Object[] builtins;

  List<JsonObject> discoveryMethods() {
    Described d = described;
    int count = declarations.get(); // read before the names: a later declaration is redone
    if (d.declarations() != count) {
      Set<String> names = names();
      d = new Described(count, names.isEmpty() ? List.of() : OpenRpcGenerator.checkDescribed(
          List.of(describe(OFF, names, NOT_SUBSCRIBED), describe(ON, names, ALREADY))));
      described = d;
    }
    return d.methods();
  }

  /**
   * One method object. Its param is one event name: OpenRPC cannot say that a method takes any
   * number of positional params (open-rpc/spec#229), and one array param would describe {@code
   * [["a","b"]]}, which gets -32602; so the first name is described and the description says
   * more may follow.
   */
  private static JsonObject describe(String method, Set<String> names, String otherStatus) {
    JsonObject m = new JsonObject();
    m.addProperty("name", method);
    m.addProperty("description", (ON.equals(method)
        ? "Subscribes this connection to events." : "Unsubscribes this connection from events.")
        + " Each param is an event name; the first is described here, and any number may follow."
        + " The result maps each name to \"" + OK + "\", \"" + INVALID + "\" (not a declared event)"
        + " or \"" + otherStatus + "\".");
    m.addProperty("paramStructure", "by-position");
    JsonObject event = new JsonObject();
    event.addProperty("name", "event");
    event.addProperty("description", "A declared event; the enum lists them.");
    event.addProperty("required", true);
    event.add("schema", stringEnum(names));
    JsonArray params = new JsonArray();
    params.add(event);
    m.add("params", params);
    JsonObject statuses = new JsonObject();
    statuses.addProperty("type", "object");
    statuses.add("additionalProperties", stringEnum(List.of(OK, INVALID, otherStatus)));
    JsonObject result = new JsonObject();
    result.addProperty("name", method + "Result");
    result.add("schema", statuses);
    m.add("result", result);
    return m;
  }

  private static JsonObject stringEnum(Collection<String> values) {
    JsonObject schema = new JsonObject();
    schema.addProperty("type", "string");
    JsonArray list = new JsonArray();
    values.forEach(list::add);
    schema.add("enum", list);
    return schema;
  }

  /** Serves {@code rpc.on} and {@code rpc.off}. */
  Object serve(CallContext call, String params) {
    String method = call.method();
    boolean on = ON.equals(method);
    if (!on && !OFF.equals(method)) {
      throw new RpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found");
    }
    List<String> names = eventNames(method, params);
    ServerConnection connection = ServerConnection.of(call);
    return subscription(connection, names, on);
  }

  /**
   * Subscribes ({@code on}) or unsubscribes a connection; the statuses are rpc-websockets' own:
   * {@link #OK}, {@link #INVALID}, and {@link #ALREADY} or {@link #NOT_SUBSCRIBED} for a change
   * that changes nothing.
   */
  Map<String, String> subscription(ServerConnection connection, List<String> names, boolean on) {
    Map<String, String> result = new LinkedHashMap<>();
    synchronized (connection.subscriptionLock()) {
      for (String name : names) {
        Set<ServerConnection> set = subscribers.get(name);
        if (set == null) {
          result.put(name, INVALID);
        } else if (on ? !connection.subscribe(name) : !connection.unsubscribe(name)) {
          result.put(name, on ? ALREADY : NOT_SUBSCRIBED);
        } else {
          if (on) {
            set.add(connection);
          } else {
            set.remove(connection);
          }
          result.put(name, OK);
        }
      }
    }
    if (on && !connection.isOpen()) { // closed meanwhile: its close may have swept before the adds
      dropAll(connection);
    }
    return result;
  }

  /** Ends every subscription of a connection (it closed). */
  void dropAll(ServerConnection connection) {
    synchronized (connection.subscriptionLock()) {
      for (String name : connection.unsubscribeAll()) {
        Set<ServerConnection> set = subscribers.get(name);
        if (set != null) {
          set.remove(connection);
        }
      }
    }
  }

  private static List<String> eventNames(String method, String params) {
    JsonElement tree = params == null ? null : JsonParser.parseString(params);
    if (tree == null || !tree.isJsonArray()) {
      throw invalidParams(method + " takes an array of event names");
    }
    JsonArray array = tree.getAsJsonArray();
    List<String> names = new ArrayList<>(array.size());
    for (JsonElement e : array) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
        throw invalidParams(method + " takes an array of event names, and " + e + " is not a string");
      }
      names.add(e.getAsString());
    }
    return names;
  }

  private static RpcException invalidParams(String reason) {
    JsonObject data = new JsonObject();
    data.addProperty("reason", reason);
    return new RpcException(ErrorCodes.INVALID_PARAMS, "Invalid params", data);
  }

  // ---------------------------------------------------------------------------------------------

  private Set<ServerConnection> declared(String name) {
    Objects.requireNonNull(name, "name == null");
    Set<ServerConnection> set = subscribers.get(name);
    if (set == null) {
      throw new IllegalArgumentException("Event '" + name + "' is not declared; declared: " + names());
    }
    return set;
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("event name is empty");
    }
  }

  /** One JSON value, written strictly (never NaN or Infinity) with the server's Gson. */
  private String json(Object value) {
    return MessageWriter.valueText(gson, value);
  }

  static void logSendFailure(ServerConnection connection, Throwable e) {
    LOG.log(System.Logger.Level.DEBUG, "Event not sent to {0}: {1}", connection.id(), e);
  }
}
