package dev.duplexrpc.cli;

import dev.duplexrpc.core.transport.Transport;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection of {@code duplex bridge} and the process started for it: messages
 * pass through unchanged both ways; each end's close ends the other.
 */
final class BridgeSession {
  private static final String END = new String("end of input"); // identity sentinel
  /** Chars waiting for a process that does not read its input; past it the connection closes. */
  static final long MAX_QUEUED_CHARS = 16L << 20;

  private final String id;
  private final Transport transport;
  private final List<String> command;
  private final Framing framing;
  private final int maxChars;
  private final Duration grace;
  private final BlockingQueue<String> toProcess = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicLong queuedChars = new java.util.concurrent.atomic.AtomicLong();
  private volatile Process process;
  private volatile boolean socketClosed;

  BridgeSession(String id, Transport transport, List<String> command, Framing framing, int maxChars, Duration grace) {
    this.id = id;
    this.transport = transport;
    this.command = command;
    this.framing = framing;
    this.maxChars = maxChars;
    this.grace = grace;
  }

  /** Completes when the process has ended (or never started). */
  CompletableFuture<Void> ended() {
    return ended;
  }

  Process process() {
    return process;
  }

  /** Starts the process and the two pumps; on failure, closes the socket with 1011. */
  void start() {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException | RuntimeException e) {
      Duplex.ERR.println("duplex bridge: could not start " + command.get(0) + ": " + e.getMessage());
      ended.complete(null);
      transport.close(1011, "could not start the command");
      return;
    }
    process = p;
    log("started process " + p.pid());
    Thread in = daemon(() -> pumpToProcess(p.getOutputStream()), "in");
    Thread out = daemon(() -> pumpFromProcess(p.getInputStream()), "out");
    transport.start(new Transport.Listener() {
      @Override
      public void onMessage(String message) {
        if (queuedChars.addAndGet(message.length()) > MAX_QUEUED_CHARS) {
          Duplex.ERR.println("duplex bridge: process " + p.pid() + " is not reading its input; ending it");
          close(1011, "the command is not reading its input");
          stopProcess(p);
          return;
        }
        toProcess.add(message);
      }

      @Override
      public void onClose(int code, String reason) {
        socketClosed = true;
        log("socket closed (" + code + (reason.isEmpty() ? "" : " " + reason) + "), ending process " + p.pid());
        toProcess.add(END);
        stopProcess(p);
      }
    });
    in.start();
    out.start();
    p.onExit().thenRun(() -> {
      try {
        out.join(grace.toMillis()); // let the last answers out before the close
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int exit = p.exitValue();
      log("process " + p.pid() + " exited with " + exit);
      close(exit == 0 ? 1000 : 1011, "command exited with " + exit);
      toProcess.add(END);
      ended.complete(null);
    });
  }

  private void pumpToProcess(OutputStream stdin) {
    try (OutputStream o = new BufferedOutputStream(stdin)) {
      while (true) {
        String m = toProcess.take();
        if (m == END) {
          return;
        }
        framing.write(o, m);
        queuedChars.addAndGet(-m.length());
      }
    } catch (IOException e) {
      // the process closed its input or ended; its exit closes the socket
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pumpFromProcess(InputStream stdout) {
    Process p = process;
    try (InputStream in = new BufferedInputStream(stdout)) {
      String m;
      while ((m = framing.read(in, maxChars)) != null) {
        transport.send(m).whenComplete((v, e) -> {
          if (e != null && !socketClosed) {
            close(1011, "could not send a message from the command");
          }
        });
      }
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        Duplex.ERR.println("duplex bridge: process " + p.pid() + " closed its output; ending it");
        close(1011, "the command closed its output");
        stopProcess(p);
      }
    } catch (Framing.FramingException e) {
      if (!socketClosed) {
        Duplex.ERR.println("duplex bridge: process " + p.pid() + " wrote " + e.getMessage() + "; ending it");
        close(e.tooBig ? 1009 : 1011, e.tooBig ? "message from the command too big" : "malformed output from the command");
        stopProcess(p);
      }
    } catch (IOException e) {
      if (!socketClosed) {
        Duplex.ERR.println("duplex bridge: reading from process " + p.pid() + " failed: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void close(int code, String reason) {
    transport.close(code, reason);
  }

  /** destroy(), then destroyForcibly() if it is still running after the grace. */
  void stopProcess(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    p.onExit().orTimeout(grace.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e != null) {
        Duplex.ERR.println("duplex bridge: process " + p.pid() + " still running after "
            + Durations.format(grace) + "; killing it");
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    });
  }

  private Thread daemon(Runnable r, String suffix) {
    Thread t = new Thread(r, "duplex-bridge-" + id + "-" + suffix);
    t.setDaemon(true);
    return t;
  }

  private void log(String message) {
    System.getLogger(BridgeSession.class.getName()).log(System.Logger.Level.INFO, "connection " + id + ": " + message);
  }
}
