package dev.duplexrpc.client;

import dev.duplexrpc.core.internal.resume.SequencedTransport;
import dev.duplexrpc.core.internal.resume.SessionSettings;

/**
 * The client's side of one resumable session (docs/resume.md): the sequence layer its Peer runs
 * on, across sockets, and the token of its next resume. What a dropped socket means is the
 * connection's lifecycle's to decide; until it has said, a drop ends the session.
 */
final class ClientSession implements SequencedTransport.Owner {
  /** Told when the session's socket drops and the session is detached. */
  interface LinkLost {
    void lost(int code, String reason);
  }

  final SequencedTransport layer;
  volatile String token;
  private volatile LinkLost onLost;

  ClientSession(SessionSettings settings, String subprotocol, String token) {
    this.layer = new SequencedTransport(settings, subprotocol, this);
    this.token = token;
  }

  /** From now on a dropped socket goes to {@code onLost}, which keeps or ends the session. */
  void onLinkLost(LinkLost onLost) {
    this.onLost = onLost;
  }

  @Override
  public void linkLost(SequencedTransport session, int code, String reason) {
    LinkLost l = onLost;
    if (l == null) {
      session.close(code, reason);
    } else {
      l.lost(code, reason);
    }
  }

  @Override
  public String toString() {
    return layer.toString();
  }
}
