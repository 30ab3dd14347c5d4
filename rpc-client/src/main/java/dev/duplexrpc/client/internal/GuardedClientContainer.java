package dev.duplexrpc.client.internal;

import dev.duplexrpc.websocket.internal.CoalescingWriter;
import dev.duplexrpc.websocket.internal.FrameGuard;
import dev.duplexrpc.websocket.internal.Limits;
import dev.duplexrpc.websocket.internal.Link;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.glassfish.tyrus.spi.ClientContainer;
import org.glassfish.tyrus.spi.ClientEngine;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus's Grizzly client container with a {@link FrameGuard} on every connection it opens. The
 * guard's limit is derived from the {@link ClientContainer#INCOMING_BUFFER_SIZE} property, which
 * {@code RpcClient} always sets. Tyrus instantiates this class by name ({@code
 * ClientManager.createClient(String)}), hence the public no-argument constructor.
 */
public final class GuardedClientContainer implements ClientContainer {
  /**
   * The client property holding the connection's {@link Link}: the endpoint finds it through
   * {@link Link#opening()} when the session opens, the frame guard tells it of every read, and
   * it can drop the socket. Tyrus's client connection, closed directly, drops the socket before
   * the close frame; the guard closes the link's session instead, which sends the 1009 close frame
   * and reports it.
   */
  public static final String LINK = GuardedClientContainer.class.getName() + ".link";

  /**
   * The client property holding an {@code AtomicReference<UpgradeResponse>} that receives the
   * server's answer when it is not 101 (Switching Protocols), so that a refusal can be reported
   * with its reason phrase and headers, which Tyrus's exception leaves out.
   */
  public static final String REFUSAL = GuardedClientContainer.class.getName() + ".refusal";

  private final ClientContainer delegate = new GrizzlyClientContainer();

  /** Creates the container; called by Tyrus. */
  public GuardedClientContainer() {}

  @Override
  public void openClientSocket(
      ClientEndpointConfig cec, Map<String, Object> properties, ClientEngine engine)
      throws DeploymentException, IOException {
    Object size = properties.get(INCOMING_BUFFER_SIZE);
    if (!(size instanceof Integer)) {
      delegate.openClientSocket(cec, properties, engine);
      return;
    }
    long maxPayload = (Integer) size - (long) Limits.MAX_FRAME_HEADER;
    Object link = properties.get(LINK);
    @SuppressWarnings("unchecked")
    AtomicReference<UpgradeResponse> refusal =
        properties.get(REFUSAL) instanceof AtomicReference<?> r
            ? (AtomicReference<UpgradeResponse>) r : new AtomicReference<>();
    delegate.openClientSocket(cec, properties, new GuardedEngine(
        engine, maxPayload, link instanceof Link ? (Link) link : new Link(), refusal));
  }

  private static final class GuardedEngine implements ClientEngine {
    private final ClientEngine engine;
    private final long maxPayload;
    private final Link link;
    private final AtomicReference<UpgradeResponse> refusal;

    GuardedEngine(ClientEngine engine, long maxPayload, Link link,
        AtomicReference<UpgradeResponse> refusal) {
      this.engine = engine;
      this.maxPayload = maxPayload;
      this.link = link;
      this.refusal = refusal;
    }

    @Override
    public UpgradeRequest createUpgradeRequest(TimeoutHandler timeoutHandler) {
      return engine.createUpgradeRequest(timeoutHandler);
    }

    @Override
    public ClientUpgradeInfo processResponse(
        UpgradeResponse response, Writer writer, Connection.CloseListener closeListener) {
      if (response.getStatus() != 101) {
        refusal.set(response);
      }
      // Tyrus's Grizzly client closes (or, with a private transport, shuts down) the socket here.
      link.abortWith(() -> closeListener.close(
          new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "connection dropped")));
      // The client session opens in processResponse, so the endpoint finds the link there.
      // Replies written while a read is handled (direct mode) leave together when it ends.
      Writer gathering = new CoalescingWriter(writer, link);
      ClientUpgradeInfo info =
          link.opening(() -> engine.processResponse(response, gathering, closeListener));
      return new ClientUpgradeInfo() {
        @Override
        public ClientUpgradeStatus getUpgradeStatus() {
          return info.getUpgradeStatus();
        }

        @Override
        public Connection createConnection() {
          Connection c = info.createConnection();
          if (c == null) {
            return null;
          }
          return FrameGuard.guard(c, maxPayload, reason -> {
            Session s = link.session();
            if (s == null || !s.isOpen()) {
              c.close(reason);
              return;
            }
            try {
              s.close(reason);
            } catch (IOException | RuntimeException e) {
              c.close(reason);
            }
          }, link, false, true);
        }
      };
    }

    @Override
    public void processError(Throwable t) {
      engine.processError(t);
    }
  }
}
