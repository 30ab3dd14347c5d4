package dev.duplexrpc.core.internal.stream;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.duplexrpc.core.ConnectionClosedException;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.Progress;
import dev.duplexrpc.core.internal.LazyMap;
import dev.duplexrpc.core.internal.SerialExecutor;
import dev.duplexrpc.core.internal.codec.JsonSlice;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress on LSP's {@code $/progress} convention, for one connection: the tokens of this end's
 * calls that carry a {@link Progress} (their updates go to its listener, in order, on the
 * executor), and the sending side a handler's {@code Progress} parameter is bound to.
 */
public final class ProgressTable {
  private static final System.Logger LOG = System.getLogger(ProgressTable.class.getName());
  /** The notification's method, as LSP names it. */
  public static final String METHOD = "$/progress";
  private static final AtomicLong NEXT = new AtomicLong();

  private final LazyMap<String, Progress> listening = new LazyMap<>();
  private final SerialExecutor deliveries;

  ProgressTable(Executor executor) {
    this.deliveries = new SerialExecutor(executor, "A progress listener");
  }

  /** Listens for the updates of one call; returns its token. */
  public String register(Progress progress) {
    String token = "p" + NEXT.incrementAndGet();
    listening.put(token, progress);
    return token;
  }

  /** Stops listening: the call is over. */
  public void unregister(String token) {
    listening.remove(token);
  }

  /**
   * Hands an incoming {@code $/progress} to the listener of its token, on the transport's thread
   * (the listener runs later, on the executor).
   *
   * @return false when no call of this end has that token
   */
  public boolean receive(JsonSlice params) {
    JsonObject o;
    try {
      o = params.tree().getAsJsonObject();
    } catch (RuntimeException e) {
      return false;
    }
    JsonElement token = o.get("token");
    Progress p = token != null && token.isJsonPrimitive() ? listening.get(token.getAsString()) : null;
    if (p == null) {
      return false;
    }
    Progress.Update u = update(o.get("value"));
    if (u == null) {
      LOG.log(Level.DEBUG, "Dropping $/progress for {0}: not a work done progress value", token);
      return true;
    }
    deliveries.execute(() -> p.update(u));
    return true;
  }

  /** The progress a handler gets for the caller's token: each update a {@code $/progress}. */
  public static Progress sender(Peer caller, JsonElement token) {
    if (token == null || !token.isJsonPrimitive()) {
      return Progress.none();
    }
    return Progress.of(u -> {
      try {
        Map<String, Object> params = new LinkedHashMap<>(); // token first, as LSP writes it
        params.put("token", token);
        params.put("value", value(u));
        caller.notifyNamed(METHOD, params);
      } catch (ConnectionClosedException e) {
        LOG.log(Level.DEBUG, "Progress not sent: {0}", e.getMessage());
      }
    });
  }

  /** LSP's {@code WorkDoneProgressBegin}/{@code Report}/{@code End} object of an update. */
  static JsonObject value(Progress.Update u) {
    JsonObject v = new JsonObject();
    v.addProperty("kind", u.kind());
    if (u.title() != null) {
      v.addProperty("title", u.title());
    }
    if (u.message() != null) {
      v.addProperty("message", u.message());
    }
    if (u.percentage() != null) {
      v.addProperty("percentage", u.percentage());
    }
    return v;
  }

  private static Progress.Update update(JsonElement value) {
    if (value == null || !value.isJsonObject()) {
      return null;
    }
    JsonObject v = value.getAsJsonObject();
    try {
      String kind = string(v, "kind");
      JsonElement pct = v.get("percentage");
      Integer percentage = pct != null && pct.isJsonPrimitive() && pct.getAsJsonPrimitive().isNumber()
          ? Integer.valueOf(pct.getAsInt()) : null;
      return new Progress.Update(kind, "begin".equals(kind) ? string(v, "title") : null,
          string(v, "message"), percentage);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
  }
}
