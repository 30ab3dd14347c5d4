package dev.duplexrpc.redis;

import dev.duplexrpc.server.cluster.BackplaneUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Translates the failures of Redis commands for one backplane: a lost or unreachable Redis
 * becomes a {@link BackplaneUnavailableException} naming the (redacted) URI, an error Redis itself
 * answered is passed on as it is, and a command whose outcome nobody waits for has its failure
 * logged at debug level instead of lost. Its one job is this translation; it sends no commands.
 */
final class RedisErrors {
  private static final System.Logger LOG = System.getLogger(RedisBackplane.class.getName());

  private final String uriText;
  private final String nodeId;

  RedisErrors(String uriText, String nodeId) {
    this.uriText = uriText;
    this.nodeId = nodeId;
  }

  /** The stage, with Redis connection failures turned into {@link BackplaneUnavailableException}. */
  <T> CompletableFuture<T> outages(CompletionStage<T> stage) {
    CompletableFuture<T> f = new CompletableFuture<>();
    stage.whenComplete((v, e) -> {
      if (e != null) {
        f.completeExceptionally(outage(e));
      } else {
        f.complete(v);
      }
    });
    return f;
  }

  /** The failure, as {@link BackplaneUnavailableException} if Redis could not be reached. */
  Throwable outage(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof RedisException && !(t instanceof RedisCommandExecutionException)) {
      return new BackplaneUnavailableException("Redis at " + uriText + " is unavailable: " + rootMessage(t), t);
    }
    return t;
  }

  /** The failure of an operation tried while Redis is known to be unreachable. */
  BackplaneUnavailableException unavailable() {
    return new BackplaneUnavailableException("Redis at " + uriText + " is unavailable", null);
  }

  /** Logs the failure of a command whose outcome nobody waits for. */
  void quietly(CompletionStage<?> stage, String what) {
    stage.whenComplete((v, e) -> {
      if (e != null) {
        LOG.log(Level.DEBUG, "Redis command of node {0} failed ({1}): {2}", nodeId, what, e);
      }
    });
  }

  /** The message of the innermost cause, or its class name if it has none. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
