package dev.duplexrpc.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a method the whole {@code params} member, unconverted: for methods that take any number
 * or shape of params. The parameter is a {@code JsonElement} (null when the request has no
 * {@code params}), a {@code JsonArray} (positional params only; named ones get -32602) or a {@code
 * JsonObject} (named only); besides a {@code CallContext}, it is the method's only parameter.
 *
 * <pre>{@code
 * @RpcMethod
 * double sum(@RawParams JsonArray numbers) {           // sum [1, 2, 3.5] -> 6.5
 *   double total = 0;
 *   for (JsonElement n : numbers) total += n.getAsDouble();
 *   return total;
 * }
 * }</pre>
 *
 * <p>On a proxy, the argument is sent as the {@code params} member itself (null sends none). For a
 * fixed element type, a Java varargs method ({@code int sum(int... numbers)}) is simpler: its
 * positional params from the varargs position on are the array's elements.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RawParams {}
