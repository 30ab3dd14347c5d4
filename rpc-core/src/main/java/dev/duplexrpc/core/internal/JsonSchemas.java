package dev.duplexrpc.core.internal;

import static dev.duplexrpc.core.internal.ReflectedTypes.bindings;
import static dev.duplexrpc.core.internal.ReflectedTypes.canonical;
import static dev.duplexrpc.core.internal.ReflectedTypes.enumType;
import static dev.duplexrpc.core.internal.ReflectedTypes.isJdk;
import static dev.duplexrpc.core.internal.ReflectedTypes.rawType;
import static dev.duplexrpc.core.internal.ReflectedTypes.substitute;
import static dev.duplexrpc.core.internal.ReflectedTypes.typeArgument;
import static dev.duplexrpc.core.internal.ReflectedTypes.typeKey;
import static dev.duplexrpc.core.internal.ReflectedTypes.typeName;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON Schemas (draft-07) of Java types as a given {@link Gson} writes them. Records, classes and
 * enums are named: their schema goes into {@link #components()} once and every use is a {@code
 * "$ref": "#/components/schemas/Name"}, so recursive types terminate.
 *
 * <p>What Gson does, the schema says: properties come from the fields Gson serializes (static and
 * transient ones left out, superclass fields included, names from {@code @SerializedName} or the
 * Gson's field naming strategy); enums list their names, or their {@code @SerializedName}s;
 * collections and arrays are arrays, maps are objects. Primitive fields are always written, so
 * they are {@code required}. A type that Gson converts with a custom adapter (registered on the
 * Gson or named by {@code @JsonAdapter}), an interface, an abstract class or a JDK class without a
 * known form is described as {@code {}}, any value: the schema never claims a shape it cannot know.
 *
 * <p>Not thread-safe: one instance makes one document.
 */
final class JsonSchemas {
  /** Where named schemas live, relative to the document root. */
  static final String REF_PREFIX = "#/components/schemas/";

  private final Gson gson;
  /** What Gson does out of the box; per instance, so no static cache holds user classes. */
  private final Gson defaults = new Gson();
  private final Map<String, String> names = new HashMap<>(); // by typeKey
  private final Set<String> taken = new HashSet<>();
  private final Map<String, JsonObject> components = new TreeMap<>();

  JsonSchemas(Gson gson) {
    this.gson = gson;
  }

  /** The named schemas referenced so far, sorted by name. */
  JsonObject components() {
    JsonObject out = new JsonObject();
    components.forEach(out::add);
    return out;
  }

  /** The schema of values of {@code type}; named types are added to the components. */
  JsonObject schema(Type type) {
    if (type instanceof WildcardType w) {
      return schema(w.getLowerBounds().length > 0 ? Object.class : w.getUpperBounds()[0]);
    }
    if (type instanceof TypeVariable<?> v) {
      return schema(v.getBounds()[0]); // not bound to an argument: as wide as its bound
    }
    if (type instanceof GenericArrayType g) {
      return array(schema(g.getGenericComponentType()), false);
    }
    Type t = canonical(type);
    Class<?> raw = rawType(t);
    JsonObject json = jsonTree(raw);
    if (json != null) {
      return json;
    }
    if (raw == Optional.class) {
      return schema(typeArgument(t, Optional.class, 0)); // absent or null
    }
    if (hasCustomAdapter(t, raw)) {
      return any();
    }
    JsonObject leaf = leaf(raw);
    if (leaf != null) {
      return leaf;
    }
    if (raw.isArray()) {
      return array(schema(raw.getComponentType()), false);
    }
    if (Collection.class.isAssignableFrom(raw)) {
      return array(schema(typeArgument(t, Collection.class, 0)), Set.class.isAssignableFrom(raw));
    }
    if (Map.class.isAssignableFrom(raw)) {
      return map(typeArgument(t, Map.class, 0), typeArgument(t, Map.class, 1));
    }
    Class<?> enumType = enumType(raw);
    if (enumType != null) {
      return ref(enumType, enumType);
    }
    if (isJdk(raw) || raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
      return any();
    }
    return ref(t, raw);
  }

  // ---------------------------------------------------------------------------------------------
  // Unnamed schemas

  private static JsonObject any() {
    return new JsonObject();
  }

  private static JsonObject type(String type) {
    JsonObject s = new JsonObject();
    s.addProperty("type", type);
    return s;
  }

  private static JsonObject integer(long min, long max) {
    JsonObject s = type("integer");
    s.addProperty("minimum", min);
    s.addProperty("maximum", max);
    return s;
  }

  private static JsonObject array(JsonObject items, boolean unique) {
    JsonObject s = type("array");
    s.add("items", items);
    if (unique) {
      s.addProperty("uniqueItems", true);
    }
    return s;
  }

  private JsonObject map(Type key, Type value) {
    JsonObject s = type("object");
    Class<?> keyEnum = enumType(rawType(canonical(key)));
    if (keyEnum != null && !hasCustomAdapter(keyEnum, keyEnum)) {
      // Gson writes a map key with String.valueOf, so an enum key is its toString(), which is
      // not its @SerializedName (and reads either back).
      JsonArray keys = new JsonArray();
      for (Object constant : keyEnum.getEnumConstants()) {
        keys.add(String.valueOf(constant));
      }
      JsonObject names = new JsonObject();
      names.add("enum", keys);
      s.add("propertyNames", names);
    }
    s.add("additionalProperties", schema(value));
    return s;
  }

  /** Gson's own tree types, which no adapter can replace. */
  private static JsonObject jsonTree(Class<?> raw) {
    if (raw == Object.class || raw == JsonElement.class) {
      return any();
    } else if (raw == JsonObject.class) {
      return type("object");
    } else if (raw == JsonArray.class) {
      return type("array");
    } else if (raw == JsonNull.class || raw == Void.class || raw == void.class) {
      return type("null");
    } else if (raw == JsonPrimitive.class) {
      JsonObject s = new JsonObject();
      JsonArray types = new JsonArray();
      types.add("string");
      types.add("number");
      types.add("boolean");
      s.add("type", types);
      return s;
    }
    return null;
  }

  /** Primitives, boxes and the JDK value types Gson has built-in adapters for. */
  private static JsonObject leaf(Class<?> raw) {
    if (raw == boolean.class || raw == Boolean.class || raw == AtomicBoolean.class) {
      return type("boolean");
    } else if (raw == byte.class || raw == Byte.class) {
      return integer(Byte.MIN_VALUE, Byte.MAX_VALUE);
    } else if (raw == short.class || raw == Short.class) {
      return integer(Short.MIN_VALUE, Short.MAX_VALUE);
    } else if (raw == int.class || raw == Integer.class || raw == AtomicInteger.class) {
      return integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    } else if (raw == long.class || raw == Long.class || raw == AtomicLong.class) {
      return integer(Long.MIN_VALUE, Long.MAX_VALUE);
    } else if (raw == BigInteger.class) {
      return type("integer");
    } else if (raw == float.class || raw == Float.class || raw == double.class
        || raw == Double.class || raw == BigDecimal.class || raw == Number.class) {
      return type("number");
    } else if (raw == char.class || raw == Character.class) {
      JsonObject s = type("string");
      s.addProperty("minLength", 1);
      s.addProperty("maxLength", 1);
      return s;
    } else if (raw == URI.class) {
      JsonObject s = type("string");
      s.addProperty("format", "uri-reference");
      return s;
    } else if (raw == URL.class) {
      JsonObject s = type("string");
      s.addProperty("format", "uri");
      return s;
    } else if (raw == String.class || raw == StringBuilder.class || raw == StringBuffer.class
        || raw == UUID.class || raw == Locale.class || raw == Currency.class
        || InetAddress.class.isAssignableFrom(raw) || Date.class.isAssignableFrom(raw)) {
      return type("string");
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Named schemas

  private JsonObject ref(Type t, Class<?> raw) {
    String key = typeKey(t);
    String name = names.get(key);
    if (name == null) {
      name = newName(t, raw);
      names.put(key, name);
      JsonObject s = new JsonObject();
      components.put(name, s); // before the properties: a recursive use finds the name
      s.addProperty("title", name);
      if (raw.isEnum()) {
        describeEnum(s, raw);
      } else {
        describeObject(s, t);
      }
    }
    JsonObject r = new JsonObject();
    r.addProperty("$ref", REF_PREFIX + name);
    return r;
  }

  private static void describeEnum(JsonObject s, Class<?> raw) {
    s.addProperty("type", "string");
    JsonArray values = new JsonArray();
    for (Field f : raw.getDeclaredFields()) {
      if (f.isEnumConstant()) {
        SerializedName sn = f.getAnnotation(SerializedName.class);
        values.add(sn != null ? sn.value() : f.getName());
      }
    }
    s.add("enum", values);
  }

  /** The fields Gson serializes: the class's own, then each superclass's, outside the JDK. */
  private void describeObject(JsonObject s, Type t) {
    s.addProperty("type", "object");
    JsonObject properties = new JsonObject();
    JsonArray required = new JsonArray();
    Type current = t;
    while (current != null) {
      Class<?> c = rawType(current);
      if (c == Object.class || isJdk(c)) {
        break;
      }
      Map<TypeVariable<?>, Type> bindings = bindings(current);
      for (Field f : fields(c)) {
        int mod = f.getModifiers();
        if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
          continue;
        }
        String name = fieldName(f);
        if (properties.has(name)) {
          continue;
        }
        properties.add(
            name,
            f.isAnnotationPresent(JsonAdapter.class)
                ? any()
                : schema(substitute(f.getGenericType(), bindings)));
        if (f.getType().isPrimitive()) {
          required.add(name);
        }
      }
      Type superclass = c.getGenericSuperclass();
      current = superclass == null ? null : substitute(superclass, bindings);
    }
    s.add("properties", properties);
    if (!required.isEmpty()) {
      s.add("required", required);
    }
  }

  /** A record's fields in component order, a class's in declaration order. */
  private static List<Field> fields(Class<?> c) {
    List<Field> out = new ArrayList<>();
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        try {
          out.add(c.getDeclaredField(rc.getName()));
        } catch (NoSuchFieldException e) {
          // every record component has its private field; nothing to describe otherwise
        }
      }
      return out;
    }
    for (Field f : c.getDeclaredFields()) {
      out.add(f);
    }
    return out;
  }

  private String fieldName(Field f) {
    SerializedName sn = f.getAnnotation(SerializedName.class);
    return sn != null ? sn.value() : gson.fieldNamingStrategy().translateName(f);
  }

  /**
   * A component name: the simple name ({@code Page_User} for {@code Page<User>}); on a clash the
   * enclosing classes' names come first ({@code Outer.Inner}), then a number.
   */
  private String newName(Type t, Class<?> raw) {
    String simple = sanitize(typeName(t, false));
    if (taken.add(simple)) {
      return simple;
    }
    String qualified = sanitize(typeName(t, true));
    if (taken.add(qualified)) {
      return qualified;
    }
    for (int i = 2; ; i++) {
      if (taken.add(qualified + "_" + i)) {
        return qualified + "_" + i;
      }
    }
  }

  /** Component keys must match {@code ^[a-zA-Z0-9.\-_]+$} (OpenRPC components object). */
  private static String sanitize(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  // ---------------------------------------------------------------------------------------------
  // Adapters

  /**
   * Whether {@link #gson} converts the type with something other than what a default Gson uses
   * (an adapter registered on it, or a {@code @JsonAdapter} on the class).
   */
  private boolean hasCustomAdapter(Type t, Class<?> raw) {
    if (raw.isAnnotationPresent(JsonAdapter.class)) {
      return true;
    }
    Boolean differs = adapterDiffers(TypeToken.get(t));
    if (differs == null && t != raw) {
      // List<Instant> with an Instant adapter registered: the default Gson cannot make the
      // whole, but the container itself is the usual one; its parts are checked on their own.
      differs = adapterDiffers(TypeToken.get(raw));
    }
    return differs == null || differs;
  }

  /** Whether the adapters differ; null if either Gson cannot make one. */
  private Boolean adapterDiffers(TypeToken<?> token) {
    try {
      TypeAdapter<?> mine = gson.getAdapter(token);
      return mine.getClass() != defaults.getAdapter(token).getClass();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
