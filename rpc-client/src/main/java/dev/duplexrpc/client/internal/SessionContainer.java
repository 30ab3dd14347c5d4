package dev.duplexrpc.client.internal;

import dev.duplexrpc.websocket.internal.Background;
import dev.duplexrpc.websocket.internal.QuietIdleTimeouts;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.Session;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.tyrus.core.BaseContainer;

/**
 * The container Tyrus's client sessions report and take their executors from. Without it every
 * {@code ClientManager} is its sessions' container, with a private scheduled pool that grows to
 * ten threads per connection (Tyrus schedules a task on it for every message sent or received, to
 * restart the session's idle timer). This one hands every session the same process-wide daemon
 * executors (the library's one timer thread and its background executor), and keeps only the
 * buffer limits. It never connects anything itself.
 */
public final class SessionContainer extends BaseContainer {
  private static final ScheduledExecutorService QUIET_SCHEDULER = new QuietIdleTimeouts(Background.scheduler());

  private volatile int maxTextMessageBufferSize = 8192;
  private volatile int maxBinaryMessageBufferSize = 8192;
  private volatile long asyncSendTimeout;

  /** Creates a container with Tyrus's default buffer sizes. */
  public SessionContainer() {}

  @Override
  public ExecutorService getExecutorService() {
    return Background.executor();
  }

  /** The library's one timer, without Tyrus's per-message idle checks; see {@link QuietIdleTimeouts}. */
  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return QUIET_SCHEDULER;
  }

  @Override
  public void shutdown() {
    // the executors are shared by the whole process
  }

  @Override
  public long getDefaultAsyncSendTimeout() {
    return asyncSendTimeout;
  }

  @Override
  public void setAsyncSendTimeout(long timeoutmillis) {
    this.asyncSendTimeout = timeoutmillis;
  }

  @Override
  public Session connectToServer(Object annotatedEndpointInstance, URI path) {
    throw new UnsupportedOperationException("connect through a ClientManager");
  }

  @Override
  public Session connectToServer(Class<?> annotatedEndpointClass, URI path) {
    throw new UnsupportedOperationException("connect through a ClientManager");
  }

  @Override
  public Session connectToServer(Endpoint endpointInstance, ClientEndpointConfig cec, URI path) {
    throw new UnsupportedOperationException("connect through a ClientManager");
  }

  @Override
  public Session connectToServer(Class<? extends Endpoint> endpointClass, ClientEndpointConfig cec, URI path) {
    throw new UnsupportedOperationException("connect through a ClientManager");
  }

  @Override
  public long getDefaultMaxSessionIdleTimeout() {
    return 0;
  }

  @Override
  public void setDefaultMaxSessionIdleTimeout(long timeout) {
    throw new UnsupportedOperationException("the library's heartbeat replaces the idle timeout");
  }

  @Override
  public int getDefaultMaxBinaryMessageBufferSize() {
    return maxBinaryMessageBufferSize;
  }

  @Override
  public void setDefaultMaxBinaryMessageBufferSize(int max) {
    this.maxBinaryMessageBufferSize = max;
  }

  @Override
  public int getDefaultMaxTextMessageBufferSize() {
    return maxTextMessageBufferSize;
  }

  @Override
  public void setDefaultMaxTextMessageBufferSize(int max) {
    this.maxTextMessageBufferSize = max;
  }

  @Override
  public Set<Extension> getInstalledExtensions() {
    return Set.of();
  }
}
