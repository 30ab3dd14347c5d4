package dev.duplexrpc.core;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.duplexrpc.core.internal.Discovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The values of a {@link PeerConfig}, each with its default, and the range checks of its
 * builder's setters: a {@link PeerConfig.Builder} edits its own copy, a configuration keeps a
 * frozen one. Mutable and not thread-safe; a frozen copy is never changed again.
 */
final class PeerSettings implements Cloneable {
  private static final Gson DEFAULT_GSON = new GsonBuilder().disableHtmlEscaping().create();

  List<Object> services = new ArrayList<>();
  List<RpcInterceptor> interceptors = new ArrayList<>();
  Executor executor; // null: the library's default
  Gson gson = DEFAULT_GSON;
  int maxMessageSize = PeerConfig.DEFAULT_MAX_MESSAGE_SIZE;
  int maxNestingDepth = PeerConfig.DEFAULT_MAX_NESTING_DEPTH;
  int maxBatchSize = PeerConfig.DEFAULT_MAX_BATCH_SIZE;
  int maxInFlight = PeerConfig.DEFAULT_MAX_IN_FLIGHT;
  int maxQueuedNotifications = PeerConfig.DEFAULT_MAX_QUEUED_NOTIFICATIONS;
  StreamSettings streams = StreamSettings.defaults();
  Duration callTimeout = PeerConfig.DEFAULT_CALL_TIMEOUT;
  boolean exposeErrorDetails;
  boolean sendCancel = true;
  boolean directExecution;
  boolean wireExtensions = true;
  FallbackHandler fallback;
  boolean discovery = true;
  String discoveryTitle = "Duplex RPC service";
  String discoveryVersion = "0.0.0";
  List<JsonObject> discoveryMethods = List.of(); // checked copies, never modified
  Discovery.Cache discoveryCache = new Discovery.Cache(); // shared with derived configs

  /** A copy a builder may change: its own lists, the same (immutable or shared) values. */
  PeerSettings copy() {
    PeerSettings c = shallow();
    c.services = new ArrayList<>(services);
    c.interceptors = new ArrayList<>(interceptors);
    return c;
  }

  /** A copy for a configuration: unmodifiable lists, never changed again. */
  PeerSettings frozen() {
    PeerSettings c = shallow();
    c.services = List.copyOf(services);
    c.interceptors = List.copyOf(interceptors);
    return c;
  }

  private PeerSettings shallow() {
    try {
      return (PeerSettings) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** The discovery settings, with the cache shared by every configuration derived from one. */
  Discovery.Settings discovery() {
    return new Discovery.Settings(
        discovery, discoveryTitle, discoveryVersion, discoveryMethods, discoveryCache);
  }

  /** Sets the {@code info} of the discovery document; both not empty. */
  void discoveryInfo(String title, String version) {
    Objects.requireNonNull(title, "title == null");
    Objects.requireNonNull(version, "version == null");
    if (title.isEmpty() || version.isEmpty()) {
      throw new IllegalArgumentException("empty discovery title or version");
    }
    discoveryTitle = title;
    discoveryVersion = version;
  }

  /** {@code value} if at least {@code min}, else an error that names the setting. */
  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " < " + min + ": " + value);
    }
    return value;
  }

  /** {@code value} if not null nor negative, else an error that names the setting. */
  static Duration notNegative(String name, Duration value) {
    Objects.requireNonNull(value, "timeout == null");
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " < 0: " + value);
    }
    return value;
  }
}
