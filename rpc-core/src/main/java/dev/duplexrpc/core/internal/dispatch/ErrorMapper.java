package dev.duplexrpc.core.internal.dispatch;

import com.google.gson.JsonObject;
import dev.duplexrpc.core.ErrorCodes;
import dev.duplexrpc.core.RpcException;
import dev.duplexrpc.core.internal.codec.Id;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what a handler threw, or failed its future with, into the error response: an {@link
 * RpcException} as it is, a cancellation as -32800, anything else as a generic -32603 (with class
 * and message only when error details are exposed), logged here.
 */
final class ErrorMapper {
  private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

  private final MessageWriter writer;
  private final boolean exposeErrorDetails;

  ErrorMapper(MessageWriter writer, boolean exposeErrorDetails) {
    this.writer = writer;
    this.exposeErrorDetails = exposeErrorDetails;
  }

  /** The error response for a request's failure. */
  String errorReply(String method, Id id, Throwable error) {
    Throwable t = unwrap(error);
    if (t instanceof RpcException e) {
      try {
        return writer.error(id, e.code(), e.errorMessage(), e.dataValue());
      } catch (RuntimeException unwritable) { // data the Peer's Gson cannot write
        LOG.log(Level.WARNING, "Data of the error of " + method + " (id " + id + ") not sent", unwritable);
        return writer.error(id, e.code(), e.errorMessage(), null);
      }
    }
    if (t instanceof CancellationException) {
      return writer.error(id, ErrorCodes.CANCELLED, "Request cancelled", null);
    }
    LOG.log(Level.WARNING, "Handler for " + method + " (id " + id + ") failed", t);
    JsonObject data = null;
    if (exposeErrorDetails) {
      data = new JsonObject();
      data.addProperty("exception", t.getClass().getName());
      if (t.getMessage() != null) {
        data.addProperty("message", t.getMessage());
      }
    }
    return writer.error(id, ErrorCodes.INTERNAL_ERROR, "Internal error", data);
  }

  /** Logs a notification's failure: nobody else will hear of it. */
  static void notificationFailed(String method, Throwable error) {
    Throwable t = unwrap(error);
    LOG.log(t instanceof RpcException ? Level.DEBUG : Level.WARNING,
        "Notification " + method + " failed", t);
  }

  /** The failure inside the wrappers futures and reflection put around it. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof ExecutionException
            || t instanceof InvocationTargetException
            || t instanceof UndeclaredThrowableException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
