package dev.duplexrpc.core.internal;

import com.google.gson.reflect.TypeToken;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic Java types as {@link JsonSchemas} reads them: the raw class, a type argument seen
 * through supertypes, type variables bound and substituted, a key that identifies a type and the
 * name a schema shows for it. Stateless.
 */
final class ReflectedTypes {
  private ReflectedTypes() {}

  /**
   * Identifies a type by its classes and arguments. {@code Type.equals} is not enough: the same
   * {@code Node<String>} compares unequal when one instance names an owner type and the other
   * (rebuilt while resolving a field) does not.
   */
  static String typeKey(Type t) {
    if (t instanceof ParameterizedType p) {
      StringBuilder sb = new StringBuilder(typeKey(p.getRawType())).append('<');
      for (Type a : p.getActualTypeArguments()) {
        sb.append(typeKey(a)).append(',');
      }
      return sb.append('>').toString();
    } else if (t instanceof GenericArrayType g) {
      return typeKey(g.getGenericComponentType()) + "[]";
    } else if (t instanceof WildcardType w) {
      return "?" + typeKey(w.getLowerBounds().length > 0 ? Object.class : w.getUpperBounds()[0]);
    } else if (t instanceof Class<?> c) {
      return c.getName();
    }
    return t.getTypeName();
  }

  static String typeName(Type t, boolean qualified) {
    if (t instanceof ParameterizedType p) {
      StringBuilder sb = new StringBuilder(typeName(p.getRawType(), qualified));
      for (Type a : p.getActualTypeArguments()) {
        sb.append('_').append(typeName(a, false));
      }
      return sb.toString();
    } else if (t instanceof GenericArrayType g) {
      return typeName(g.getGenericComponentType(), qualified) + "Array";
    } else if (t instanceof WildcardType w) {
      return typeName(w.getUpperBounds()[0], qualified);
    } else if (t instanceof Class<?> c) {
      if (c.isArray()) {
        return typeName(c.getComponentType(), qualified) + "Array";
      }
      String name = c.getSimpleName().isEmpty() ? "Anonymous" : c.getSimpleName();
      Class<?> outer = c.getEnclosingClass();
      return qualified && outer != null ? typeName(outer, true) + "." + name : name;
    }
    return t.getTypeName();
  }

  static boolean isJdk(Class<?> c) {
    if (c.isPrimitive()) {
      return true;
    }
    String n = c.getName();
    return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.")
        || n.startsWith("sun.") || n.startsWith("com.sun.");
  }

  static Class<?> enumType(Class<?> raw) {
    if (raw.isEnum()) {
      return raw;
    }
    Class<?> s = raw.getSuperclass(); // a constant with a body
    return s != null && s.isEnum() ? s : null;
  }

  static Type canonical(Type t) {
    return TypeToken.get(t).getType();
  }

  static Class<?> rawType(Type t) {
    if (t instanceof TypeVariable<?> || t instanceof WildcardType) {
      return Object.class;
    }
    return TypeToken.get(t).getRawType();
  }

  /** Type argument {@code index} of {@code target} as seen from {@code t}, or Object. */
  static Type typeArgument(Type t, Class<?> target, int index) {
    Type s = supertype(t, target);
    if (s instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[index];
    }
    return Object.class;
  }

  /** {@code target} parameterized as {@code t} extends or implements it, or null. */
  private static Type supertype(Type t, Class<?> target) {
    Class<?> raw = rawType(t);
    if (raw == target) {
      return t;
    }
    Map<TypeVariable<?>, Type> bindings = bindings(t);
    List<Type> supers = new ArrayList<>();
    if (raw.getGenericSuperclass() != null) {
      supers.add(raw.getGenericSuperclass());
    }
    supers.addAll(List.of(raw.getGenericInterfaces()));
    for (Type s : supers) {
      if (target.isAssignableFrom(rawType(s))) {
        Type found = supertype(substitute(s, bindings), target);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  static Map<TypeVariable<?>, Type> bindings(Type t) {
    if (!(t instanceof ParameterizedType p)) {
      return Map.of();
    }
    TypeVariable<?>[] vars = rawType(p).getTypeParameters();
    Type[] args = p.getActualTypeArguments();
    Map<TypeVariable<?>, Type> out = new HashMap<>();
    for (int i = 0; i < vars.length && i < args.length; i++) {
      out.put(vars[i], args[i]);
    }
    return out;
  }

  /** {@code t} with the type variables bound in {@code bindings} replaced. */
  static Type substitute(Type t, Map<TypeVariable<?>, Type> bindings) {
    if (bindings.isEmpty()) {
      return t;
    }
    if (t instanceof TypeVariable<?> v) {
      return bindings.getOrDefault(v, v);
    }
    if (t instanceof WildcardType w) {
      return w.getLowerBounds().length > 0 ? Object.class : substitute(w.getUpperBounds()[0], bindings);
    }
    if (t instanceof GenericArrayType g) {
      return TypeToken.getArray(substitute(g.getGenericComponentType(), bindings)).getType();
    }
    if (t instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments().clone();
      for (int i = 0; i < args.length; i++) {
        args[i] = substitute(args[i], bindings);
      }
      try {
        return TypeToken.getParameterized(p.getRawType(), args).getType();
      } catch (IllegalArgumentException e) {
        return p.getRawType(); // an owner type Gson cannot rebuild: fall back to the raw class
      }
    }
    return t;
  }
}
