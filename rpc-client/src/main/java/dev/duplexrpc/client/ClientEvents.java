package dev.duplexrpc.client;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import dev.duplexrpc.core.CallContext;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.FallbackHandler;
import dev.duplexrpc.core.Peer;
import dev.duplexrpc.core.RpcException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The event subscriptions of one {@link ClientConnection}: which handlers listen to which event,
 * the {@code rpc.on} / {@code rpc.off} requests that tell the server, and the delivery of events.
 * It outlives any one socket: {@link #attach(Peer)} gives it the connection's current Peer and
 * subscribes that Peer's socket to every event that has handlers, so a reconnecting connection
 * re-subscribes by attaching its new Peer.
 *
 * <p>Installed as each Peer's {@link FallbackHandler}: an event is a notification whose name no
 * local service registered, in either form ({@code {"jsonrpc":"2.0","method":name,...}} or
 * rpc-websockets' {@code {"notification":name,...}}; the core maps both to a notification).
 */
final class ClientEvents implements FallbackHandler {
  private static final System.Logger LOG = System.getLogger(ClientEvents.class.getName());
  private static final TypeToken<Map<String, String>> STATUSES = new TypeToken<>() {};

  static final String ON = "rpc.on";
  static final String OFF = "rpc.off";
  /** The statuses that mean the socket is subscribed (rpc-websockets' words). */
  static final String OK = "ok";
  static final String ALREADY = "socket has already been subscribed to event";

  private final Gson gson;
  private final Object lock = new Object();
  private final Map<String, Entry> entries = new LinkedHashMap<>(); // guarded by lock
  private Peer peer; // guarded by lock

  /** The application's fallback, asked for what no subscription takes; null for none. */
  private final FallbackHandler fallback;

  ClientEvents(Gson gson, FallbackHandler fallback) {
    this.gson = gson;
    this.fallback = fallback;
  }

  /** One subscribed event: its handlers and the answer of the last {@code rpc.on} for it. */
  private static final class Entry {
    final String name;
    final List<Handle> handles = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> confirmed; // guarded by lock

    Entry(String name) {
      this.name = name;
    }
  }

  /** One handler. */
  private final class Handle implements Subscription {
    final Entry entry;
    final Type type;
    final Consumer<Object> handler;
    volatile boolean active = true;

    Handle(Entry entry, Type type, Consumer<Object> handler) {
      this.entry = entry;
      this.type = type;
      this.handler = handler;
    }

    @Override
    public String event() {
      return entry.name;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      unsubscribe(this);
    }

    @Override
    public String toString() {
      return "Subscription[" + entry.name + ", " + type.getTypeName() + (active ? "" : ", closed") + "]";
    }
  }

  /**
   * Starts using a Peer: the connection's first, or a new one after a reconnect. Subscribes it to
   * every event that has handlers, with one {@code rpc.on}.
   *
   * @return completes when the server confirmed every event; fails naming the refused ones
   */
  CompletableFuture<Void> attach(Peer newPeer) {
    synchronized (lock) {
      this.peer = newPeer;
      if (entries.isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> confirmed = on(newPeer, new ArrayList<>(entries.keySet()));
      for (Entry e : entries.values()) {
        e.confirmed = confirmed;
      }
      return confirmed;
    }
  }

  /** Adds a handler; blocks until the server confirmed the event (at once if it already did). */
  @SuppressWarnings("unchecked")
  Subscription subscribe(String event, Type type, Consumer<?> handler) {
    Objects.requireNonNull(event, "event == null");
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(handler, "handler == null");
    Handle handle;
    CompletableFuture<Void> confirmed;
    synchronized (lock) {
      Entry e = entries.get(event);
      if (e == null) {
        e = new Entry(event);
        entries.put(event, e);
      }
      if (e.confirmed == null || e.confirmed.isCompletedExceptionally()) {
        e.confirmed = on(peer, List.of(event));
      }
      // Added before the answer arrives, so no event the server sends after it is missed.
      handle = new Handle(e, type, (Consumer<Object>) handler);
      e.handles.add(handle);
      confirmed = e.confirmed;
    }
    try {
      await(event, confirmed);
    } catch (RuntimeException ex) {
      synchronized (lock) {
        handle.active = false;
        handle.entry.handles.remove(handle);
        if (handle.entry.handles.isEmpty() && entries.get(event) == handle.entry) {
          entries.remove(event);
        }
      }
      throw ex;
    }
    return handle;
  }

  private void unsubscribe(Handle handle) {
    synchronized (lock) {
      if (!handle.active) {
        return;
      }
      handle.active = false;
      Entry e = handle.entry;
      e.handles.remove(handle);
      if (!e.handles.isEmpty() || entries.get(e.name) != e) {
        return;
      }
      entries.remove(e.name);
      Peer p = peer;
      if (p != null && p.isOpen()) {
        // Sent while holding the lock, so rpc.on and rpc.off for one event go out in table order.
        p.call(OFF, STATUSES, e.name).whenComplete((statuses, error) -> {
          if (error != null || !OK.equals(statuses == null ? null : statuses.get(e.name))) {
            LOG.log(Level.DEBUG, "rpc.off for {0}: {1}", e.name, error != null ? error : statuses);
          }
        });
      }
    }
  }

  /** Sends {@code rpc.on}; the future fails unless every name was confirmed. */
  private static CompletableFuture<Void> on(Peer p, List<String> names) {
    if (p == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not attached to a connection"));
    }
    return p.call(ON, STATUSES, names.toArray()).thenApply(statuses -> {
      List<String> refused = new ArrayList<>();
      JsonObject data = new JsonObject();
      for (String name : names) {
        String status = statuses == null ? null : statuses.get(name);
        if (!OK.equals(status) && !ALREADY.equals(status)) {
          refused.add(name);
          data.addProperty(name, status);
        }
      }
      if (!refused.isEmpty()) {
        throw new RpcException(ErrorCodes.INVALID_PARAMS,
            "Subscription refused by the server: " + data, data);
      }
      return null;
    });
  }

  private static void await(String event, CompletableFuture<Void> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new RpcException(ErrorCodes.INTERNAL_ERROR, String.valueOf(c), null, c);
    } catch (CancellationException e) {
      throw new RpcException(ErrorCodes.CANCELLED, "Subscription to '" + event + "' was cancelled", null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorCodes.CANCELLED, "Interrupted while subscribing to '" + event + "'", null, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Delivery

  /** An incoming notification no service handles: an event, if someone subscribed to it. */
  @Override
  public Object handle(CallContext call, String params) throws Exception {
    if (!call.isNotification()) {
      if (fallback != null) {
        return fallback.handle(call, params);
      }
      throw new RpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found");
    }
    Entry e;
    synchronized (lock) {
      e = entries.get(call.method());
    }
    if (e == null && fallback != null) {
      return fallback.handle(call, params);
    }
    if (e == null) {
      LOG.log(Level.DEBUG, "Notification {0} dropped: no service method and no subscription", call.method());
      return null;
    }
    JsonElement payload = payload(params);
    for (Handle h : e.handles) {
      if (!h.active) {
        continue;
      }
      Object value;
      try {
        value = payload == null ? null : gson.fromJson(payload, h.type);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "Event " + e.name + " not delivered to " + h + ": its payload "
            + payload + " does not convert", ex);
        continue;
      }
      try {
        h.handler.accept(value);
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "Handler of event " + e.name + " failed", ex);
      }
    }
    return null;
  }

  /**
   * The payload of an event: the one element of a params array (what this library's servers
   * send, and what rpc-websockets sends for one non-object argument), null for an empty or
   * missing params, otherwise the params value itself (an object, or an array of several
   * arguments).
   */
  static JsonElement payload(String params) {
    if (params == null) {
      return null;
    }
    JsonElement tree = JsonParser.parseString(params);
    if (tree.isJsonArray()) {
      JsonArray a = tree.getAsJsonArray();
      if (a.isEmpty()) {
        return null;
      }
      if (a.size() == 1) {
        return a.get(0);
      }
    }
    return tree;
  }
}
