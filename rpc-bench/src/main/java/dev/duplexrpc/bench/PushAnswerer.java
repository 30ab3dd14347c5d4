package dev.duplexrpc.bench;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The generator's side of one connection in server-to-client calls: answers every request the
 * server sends with a result frame built around the request's id, through a send queue (one send
 * at a time, as the JDK API requires), and counts the requests answered while measuring and the
 * messages without an id.
 */
final class PushAnswerer extends Connections.Socket {
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();
  private boolean sending;
  volatile boolean measuring;
  long calls; // guarded by this
  long errors; // guarded by this

  void send(String text) {
    synchronized (this) {
      queue.add(text);
      if (sending) {
        return;
      }
      sending = true;
    }
    pump();
  }

  private void pump() {
    while (true) {
      String text;
      synchronized (this) {
        text = queue.poll();
        if (text == null) {
          sending = false;
          return;
        }
      }
      CompletableFuture<WebSocket> sent = ws.sendText(text, true);
      if (!sent.isDone()) {
        sent.whenComplete((w, e) -> {
          if (e != null) {
            failure = e;
          } else {
            pump();
          }
        });
        return;
      }
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    if (!last) {
      partial.append(data);
      return null;
    }
    CharSequence message = data;
    if (partial.length() > 0) {
      partial.append(data);
      message = partial;
    }
    String id = Frames.rawIdOf(message);
    if (partial.length() > 0) {
      partial.setLength(0);
    }
    synchronized (this) {
      if (id == null) {
        errors++;
        return null;
      }
      if (measuring) {
        calls++;
      }
    }
    send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":19}");
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    failure = error;
  }
}
