package dev.duplexrpc.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.annotation.RpcMethod;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in {@code rpc.discover} method of a Peer: it answers the OpenRPC document of the
 * Peer's methods. The document is made on the first call, not per call, and kept in a {@link
 * Cache} that copies of one Peer builder share, so the Peers a server builds per connection make
 * it once between them.
 */
public final class Discovery {
  private static final ServiceMethod DISCOVER = ServiceModel.builtin(Handler.class).methods().get(0);

  private Discovery() {}

  /**
   * What a Peer's discovery serves.
   *
   * @param enabled whether {@code rpc.discover} is served
   * @param title the document's {@code info.title}
   * @param version the document's {@code info.version}
   * @param described method objects listed as they are
   * @param cache where the documents are kept, shared by the Peers of one configuration
   */
  public record Settings(boolean enabled, String title, String version, List<JsonObject> described,
      Cache cache) {}

  /**
   * The built-in methods for a Peer that serves {@code served}, by wire name.
   *
   * @param served the Peer's own methods, in registration order
   * @param described method objects listed as they are, checked by {@link
   *     OpenRpcGenerator#checkDescribed}
   * @param title the document's {@code info.title}
   * @param version the document's {@code info.version}
   * @param gson the Peer's Gson
   * @param cache where the document is kept
   * @return {@code rpc.discover}, bound to {@code gson}
   */
  public static Map<String, LocalMethod> methods(
      Collection<LocalMethod> served, List<JsonObject> described, String title, String version,
      Gson gson, Cache cache) {
    List<ServiceMethod> models = served.stream().map(LocalMethod::model).toList();
    for (JsonObject m : described) {
      String name = m.get("name").getAsString();
      for (ServiceMethod sm : models) {
        if (sm.wireName().equals(name)) {
          throw new IllegalArgumentException("The method object '" + name
              + "' given to discoveryMethods names a method a service serves\n    for method "
              + sm.javaName());
        }
      }
    }
    Handler handler = new Handler(new Key(models, described, title, version, gson), cache);
    return Map.of(DISCOVER.wireName(), LocalMethod.bind(DISCOVER, handler, gson));
  }

  /**
   * What a document depends on. Gson and the method models compare by identity, the described
   * method objects by value (the same objects when copies of one builder share them).
   */
  record Key(List<ServiceMethod> methods, List<JsonObject> described, String title, String version,
      Gson gson) {}

  /**
   * Keeps the documents made for the last few keys (a server whose connections get one of a few
   * sets of services makes each document once). Thread-safe; two Peers asking at once for a new
   * key may both make it.
   */
  public static final class Cache {
    private static final int KEYS = 16;

    private final Map<Key, JsonObject> documents =
        new LinkedHashMap<>(KEYS, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, JsonObject> eldest) {
            return size() > KEYS;
          }
        };

    JsonObject document(Key key) {
      synchronized (documents) {
        JsonObject doc = documents.get(key);
        if (doc != null) {
          return doc;
        }
      }
      JsonObject doc =
          OpenRpcGenerator.generate(
              key.methods(), key.described(), key.title(), key.version(), key.gson(), true);
      synchronized (documents) {
        JsonObject raced = documents.putIfAbsent(key, doc);
        return raced != null ? raced : doc;
      }
    }
  }

  /** The handler; the document it returns is only ever read (written out as the result). */
  static final class Handler {
    private final Key key;
    private final Cache cache;
    private volatile JsonObject document;

    Handler(Key key, Cache cache) {
      this.key = key;
      this.cache = cache;
    }

    @RpcMethod(OpenRpcGenerator.DISCOVER)
    public JsonObject discover() {
      JsonObject d = document;
      if (d == null) {
        d = cache.document(key);
        document = d;
      }
      return d;
    }
  }
}
