package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.RpcError;
import dev.duplexrpc.core.annotation.RpcMethod;
import dev.duplexrpc.core.annotation.RpcNotification;
import dev.duplexrpc.core.annotation.RpcParam;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Makes the OpenRPC 1.3 document of a method table: the answer to {@code rpc.discover}.
 *
 * <ul>
 *   <li>the methods sorted by wire name (the served ones and the method objects given as
 *       they are, for methods served without a service), then {@code rpc.discover};
 *   <li>each method: its wire name, {@code paramStructure "either"} (every Duplex RPC method
 *       binds both positional and named params), its wire params as content descriptors
 *       ({@code required} unless optional; optional ones come last, as the model enforces), and
 *       a description from the annotations when given; a varargs parameter is marked {@code
 *       "x-varargs": true} (by position, its elements are the params from its position on), and a
 *       method taking {@code @RawParams} lists no params and is marked {@code "x-raw-params": true};
 *   <li>a request has a {@code result} named after the method plus {@code "Result"}, whose
 *       schema is {@code {"type":"null"}} for a void request; a notification has no {@code
 *       result}, which is how OpenRPC marks a notification;
 *   <li>{@code errors} from {@link RpcError}, {@code deprecated} from {@link Deprecated} on the
 *       method or its declaring type;
 *   <li>schemas from {@link JsonSchemas}, named ones under {@code components.schemas};
 *   <li>{@code rpc.discover} itself, exactly as the OpenRPC specification gives its method
 *       object, when the Peer serves it.
 * </ul>
 */
public final class OpenRpcGenerator {
  /** The OpenRPC version of the documents made here. */
  public static final String OPENRPC_VERSION = "1.3.2";

  /** The wire name of the discovery method. */
  public static final String DISCOVER = "rpc.discover";

  /** Where the specification says the result schema of {@code rpc.discover} is. */
  public static final String META_SCHEMA_URL =
      "https://raw.githubusercontent.com/open-rpc/meta-schema/master/schema.json";

  private OpenRpcGenerator() {}

  /**
   * The document of {@code methods}.
   *
   * @param methods the served methods
   * @param title the {@code info.title}
   * @param version the {@code info.version} (of the API, not of OpenRPC)
   * @param gson the Gson that converts params and results, whose naming and adapters the schemas
   *     follow
   * @param withDiscover whether to list {@code rpc.discover} (last)
   * @return a new document
   */
  public static JsonObject generate(
      List<ServiceMethod> methods, String title, String version, Gson gson, boolean withDiscover) {
    return generate(methods, List.of(), title, version, gson, withDiscover);
  }

  /**
   * The document of {@code methods} and of method objects made elsewhere.
   *
   * @param methods the served methods
   * @param described method objects listed as they are (checked by {@link #checkDescribed}), among
   *     the served ones in name order; they must not share a name with one
   * @param title the {@code info.title}
   * @param version the {@code info.version} (of the API, not of OpenRPC)
   * @param gson the Gson that converts params and results, whose naming and adapters the schemas
   *     follow
   * @param withDiscover whether to list {@code rpc.discover} (last)
   * @return a new document; it shares the objects of {@code described}
   */
  public static JsonObject generate(List<ServiceMethod> methods, List<JsonObject> described,
      String title, String version, Gson gson, boolean withDiscover) {
    JsonSchemas schemas = new JsonSchemas(gson);
    JsonObject doc = new JsonObject();
    doc.addProperty("openrpc", OPENRPC_VERSION);
    JsonObject info = new JsonObject();
    info.addProperty("title", title);
    info.addProperty("version", version);
    doc.add("info", info);
    List<JsonObject> sorted = new ArrayList<>(methods.size() + described.size());
    for (ServiceMethod sm : methods) {
      sorted.add(method(sm, schemas));
    }
    sorted.addAll(described);
    sorted.sort(Comparator.comparing(m -> m.get("name").getAsString()));
    JsonArray list = new JsonArray();
    sorted.forEach(list::add);
    if (withDiscover) {
      list.add(discoverMethod());
    }
    doc.add("methods", list);
    JsonObject components = schemas.components();
    if (!components.isEmpty()) {
      JsonObject c = new JsonObject();
      c.add("schemas", components);
      doc.add("components", c);
    }
    return doc;
  }

  private static JsonObject method(ServiceMethod sm, JsonSchemas schemas) {
    Method m = sm.method();
    JsonObject o = new JsonObject();
    o.addProperty("name", sm.wireName());
    String description =
        sm.kind() == ServiceMethod.Kind.REQUEST
            ? m.getAnnotation(RpcMethod.class).description()
            : m.getAnnotation(RpcNotification.class).description();
    if (!description.isEmpty()) {
      o.addProperty("description", description);
    }
    boolean raw = sm.wireParams().stream().anyMatch(ServiceMethod.Param::raw);
    o.addProperty("paramStructure", "either");
    JsonArray params = new JsonArray();
    Parameter[] javaParams = m.getParameters();
    for (int i = 0; i < sm.params().size(); i++) {
      ServiceMethod.Param p = sm.params().get(i);
      if (p.context() || p.raw()) { // @RawParams: any params, so none are described
        continue;
      }
      JsonObject cd = new JsonObject();
      cd.addProperty("name", p.name());
      RpcParam ann = i < javaParams.length ? javaParams[i].getAnnotation(RpcParam.class) : null;
      if (ann != null && !ann.description().isEmpty()) {
        cd.addProperty("description", ann.description());
      }
      cd.addProperty("required", !p.optional());
      if (p.progress()) { // LSP's ProgressToken: integer | string
        JsonObject token = new JsonObject();
        JsonArray types = new JsonArray();
        types.add("string");
        types.add("integer");
        token.add("type", types);
        cd.add("schema", token);
        cd.addProperty("x-progress", true);
      } else {
        cd.add("schema", schemas.schema(p.valueType()));
      }
      if (p.varargs()) { // by position, the elements of the array are the params from here on
        cd.addProperty("x-varargs", true);
      }
      if (p.stream()) { // a stream token on the wire; the schema is each item's (streaming.md)
        cd.addProperty("x-stream", true);
      }
      params.add(cd);
    }
    o.add("params", params);
    if (raw) {
      o.addProperty("x-raw-params", true);
    }
    if (sm.kind() == ServiceMethod.Kind.REQUEST) {
      JsonObject result = new JsonObject();
      result.addProperty("name", sm.wireName() + "Result");
      result.add("schema", schemas.schema(sm.resultType() == null ? Void.class : sm.resultType()));
      if (sm.resultKind() == ServiceMethod.ResultKind.STREAM) {
        result.addProperty("x-stream", true);
      }
      o.add("result", result);
    }
    RpcError[] declared = m.getAnnotationsByType(RpcError.class);
    if (declared.length > 0) {
      JsonArray errors = new JsonArray();
      for (RpcError e : declared) {
        JsonObject eo = new JsonObject();
        eo.addProperty("code", e.code());
        eo.addProperty("message", e.message());
        errors.add(eo);
      }
      o.add("errors", errors);
    }
    if (m.isAnnotationPresent(Deprecated.class)
        || m.getDeclaringClass().isAnnotationPresent(Deprecated.class)) {
      o.addProperty("deprecated", true);
    }
    return o;
  }

  /**
   * Checks method objects made outside the generator and copies them: each must be an object
   * with a non-empty string {@code name} (not {@code rpc.discover}, and not repeated) and a
   * {@code params} array, as OpenRPC requires of every method object. The rest is not checked.
   * A list this method returned is returned as it is, so that a binding that checks its objects
   * once may pass them to a builder per connection without copying them again.
   *
   * @param described the method objects
   * @return deep copies, in an unmodifiable list
   * @throws IllegalArgumentException if one is not a method object, or two share a name
   */
  public static List<JsonObject> checkDescribed(Collection<JsonObject> described) {
    if (described instanceof Checked) {
      return (Checked) described;
    }
    List<JsonObject> copies = new ArrayList<>(described.size());
    Set<String> names = new HashSet<>();
    for (JsonObject m : described) {
      Objects.requireNonNull(m, "method object == null");
      JsonElement name = m.get("name");
      if (name == null || !name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()
          || name.getAsString().isEmpty()) {
        throw new IllegalArgumentException("method object without a name: " + m);
      }
      if (name.getAsString().equals(DISCOVER)) {
        throw new IllegalArgumentException("'" + DISCOVER + "' is built in; it cannot be described");
      }
      if (!names.add(name.getAsString())) {
        throw new IllegalArgumentException("two method objects named '" + name.getAsString() + "'");
      }
      JsonElement params = m.get("params");
      if (params == null || !params.isJsonArray()) {
        throw new IllegalArgumentException(
            "method object '" + name.getAsString() + "' without a params array: " + m);
      }
      copies.add(m.deepCopy());
    }
    return new Checked(copies.toArray(new JsonObject[0]));
  }

  /** Method objects {@link #checkDescribed} checked and copied: unmodifiable, never written to. */
  private static final class Checked extends AbstractList<JsonObject> implements RandomAccess {
    private final JsonObject[] methods;

    Checked(JsonObject[] methods) {
      this.methods = methods;
    }

    @Override
    public JsonObject get(int index) {
      return methods[index];
    }

    @Override
    public int size() {
      return methods.length;
    }
  }

  /** The method object the OpenRPC specification gives for {@code rpc.discover}. */
  private static JsonObject discoverMethod() {
    JsonObject o = new JsonObject();
    o.addProperty("name", DISCOVER);
    o.addProperty("description", "Returns an OpenRPC schema as a description of this service");
    o.add("params", new JsonArray());
    JsonObject result = new JsonObject();
    result.addProperty("name", "OpenRPC Schema");
    JsonObject schema = new JsonObject();
    schema.addProperty("$ref", META_SCHEMA_URL);
    result.add("schema", schema);
    o.add("result", result);
    return o;
  }
}
