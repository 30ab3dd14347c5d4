package dev.duplexrpc.examples;

import dev.duplexrpc.testing.RequiredTool;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own WebSocket
 * client: no driver, no extra dependency. One browser process with a fresh profile in a
 * temporary folder; pages are tabs attached in flat session mode.
 *
 * <p>When no {@code chromium} is on the {@code PATH} (or named by the system property {@code
 * duplex.chromium}), {@link #launch()} fails under {@code CI=true} and aborts (skips) the test
 * otherwise. Every wait is bounded; {@link #close()} kills the process.
 */
final class Chromium implements AutoCloseable {
  /** The longest wait for one DevTools command or event. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  /** The longest wait for the browser to start. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
  private WebSocket socket;

  private Chromium(Process process, Path profile) {
    this.process = process;
    this.profile = profile;
  }

  /**
   * Starts a headless browser and connects to its DevTools endpoint.
   *
   * @return the browser
   */
  static Chromium launch() throws Exception {
    String executable = executable();
    if (executable == null) {
      throw RequiredTool.missing("chromium", "the browser tests");
    }
    Path profile = Files.createTempDirectory("duplex-chromium-");
    Process process = new ProcessBuilder(executable,
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1000,900",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    Chromium chromium = new Chromium(process, profile);
    try {
      chromium.connect(chromium.awaitDevToolsUrl());
    } catch (Exception | AssertionError e) {
      chromium.close();
      throw e;
    }
    return chromium;
  }

  /** The browser to run: the property {@code duplex.chromium}, or chromium on the PATH. */
  private static String executable() {
    String configured = System.getProperty("duplex.chromium");
    if (configured != null && !configured.isEmpty()) {
      return configured;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }

  /**
   * Reads the browser's standard error on a thread of its own until it says where DevTools
   * listens ({@code DevTools listening on ws://...}); the same port is in the profile's {@code
   * DevToolsActivePort} file, which is checked against it.
   */
  private String awaitDevToolsUrl() throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (stderrTail) {
            stderrTail.addLast(line);
            if (stderrTail.size() > 40) {
              stderrTail.removeFirst();
            }
          }
          int at = line.indexOf("DevTools listening on ");
          if (at >= 0) {
            url.complete(line.substring(at + "DevTools listening on ".length()).trim());
          }
        }
        url.completeExceptionally(new IOException("chromium exited with " + process.waitFor()));
      } catch (IOException | InterruptedException e) {
        url.completeExceptionally(e);
      }
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    String found;
    try {
      found = url.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new AssertionError("chromium did not start its DevTools endpoint: " + e + "\n" + stderrTail(), e);
    }
    Path portFile = profile.resolve("DevToolsActivePort");
    // Chromium may still be writing the file (seen empty once): the check is made when it is there.
    List<String> lines = Files.exists(portFile) ? Files.readAllLines(portFile) : List.of();
    if (!lines.isEmpty() && !lines.get(0).isBlank()) {
      String port = lines.get(0).trim();
      if (URI.create(found).getPort() != Integer.parseInt(port)) {
        throw new AssertionError("DevToolsActivePort says " + port + ", stderr says " + found);
      }
    }
    return found;
  }

  private String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  private void connect(String url) throws Exception {
    socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(COMMAND_TIMEOUT)
        .buildAsync(URI.create(url), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              dispatch(JsonParser.parseString(text.toString()).getAsJsonObject());
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            IOException closed = new IOException("the DevTools socket closed: " + code + " " + reason);
            pending.values().forEach(f -> f.completeExceptionally(closed));
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
          }
        })
        .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void dispatch(JsonObject message) {
    if (message.has("id")) {
      CompletableFuture<JsonObject> f = pending.remove(message.get("id").getAsInt());
      if (f != null) {
        f.complete(message);
      }
    } else {
      events.add(message);
    }
  }

  /**
   * Sends one DevTools command and waits for its answer.
   *
   * @param sessionId the page session, or null for the browser
   * @return the command's {@code result}
   */
  JsonObject send(String sessionId, String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    JsonObject command = new JsonObject();
    command.addProperty("id", id);
    command.addProperty("method", method);
    command.add("params", params == null ? new JsonObject() : params);
    if (sessionId != null) {
      command.addProperty("sessionId", sessionId);
    }
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    synchronized (this) {
      socket.sendText(command.toString(), true).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    JsonObject response;
    try {
      response = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(method + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      pending.remove(id);
      throw new AssertionError("no DevTools answer to " + method + " within " + COMMAND_TIMEOUT, e);
    }
    if (response.has("error")) {
      throw new AssertionError(method + " failed: " + response.get("error"));
    }
    return response.getAsJsonObject("result");
  }

  /**
   * Waits for a DevTools event of one session; events of other kinds are dropped.
   *
   * @return the event's params
   */
  JsonObject awaitEvent(String sessionId, String method) throws InterruptedException {
    long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
    for (;;) {
      long left = deadline - System.nanoTime();
      JsonObject event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (event == null) {
        throw new AssertionError("no " + method + " within " + COMMAND_TIMEOUT);
      }
      if (method.equals(event.get("method").getAsString())
          && event.has("sessionId") && sessionId.equals(event.get("sessionId").getAsString())) {
        return event.getAsJsonObject("params");
      }
    }
  }

  /**
   * Opens a new tab.
   *
   * @return the tab
   */
  Page newPage() throws Exception {
    JsonObject create = new JsonObject();
    create.addProperty("url", "about:blank");
    String targetId = send(null, "Target.createTarget", create).get("targetId").getAsString();
    JsonObject attach = new JsonObject();
    attach.addProperty("targetId", targetId);
    attach.addProperty("flatten", true);
    String sessionId = send(null, "Target.attachToTarget", attach).get("sessionId").getAsString();
    send(sessionId, "Page.enable", null);
    send(sessionId, "Runtime.enable", null);
    return new Page(targetId, sessionId);
  }

  /** Ends the browser (politely, then by force) and deletes its profile. */
  @Override
  public void close() throws Exception {
    try {
      if (socket != null) {
        try {
          send(null, "Browser.close", null);
        } catch (Exception | AssertionError e) {
          // The browser may close the DevTools socket before answering; the process is ended below.
        }
        socket.abort();
      }
    } finally {
      List<ProcessHandle> helpers = process.descendants().toList(); // renderer, GPU, network...
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle helper : helpers) {
        helper.destroy();
        try {
          helper.onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          helper.destroyForcibly();
        }
      }
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One tab, through its DevTools session. */
  final class Page implements AutoCloseable {
    private final String targetId;
    private final String sessionId;

    private Page(String targetId, String sessionId) {
      this.targetId = targetId;
      this.sessionId = sessionId;
    }

    /** Loads a URL and waits for its load event. */
    void navigate(String url) throws Exception {
      JsonObject params = new JsonObject();
      params.addProperty("url", url);
      events.clear(); // so that only this navigation's load event counts
      JsonObject result = send(sessionId, "Page.navigate", params);
      if (result.has("errorText")) {
        throw new AssertionError("navigation to " + url + " failed: " + result.get("errorText"));
      }
      awaitEvent(sessionId, "Page.loadEventFired");
    }

    /**
     * Evaluates a JavaScript expression in the page, waits for it if it is a promise, and
     * returns its value as JSON.
     *
     * @return the value, or null for {@code undefined}
     * @throws AssertionError if it throws or its promise rejects
     */
    JsonElement evaluate(String expression) throws Exception {
      JsonObject params = new JsonObject();
      params.addProperty("expression", expression);
      params.addProperty("awaitPromise", true);
      params.addProperty("returnByValue", true);
      JsonObject result = send(sessionId, "Runtime.evaluate", params);
      if (result.has("exceptionDetails")) {
        JsonObject details = result.getAsJsonObject("exceptionDetails");
        JsonElement description = details.has("exception")
            ? details.getAsJsonObject("exception").get("description")
            : details.get("text");
        throw new AssertionError("the page threw: " + description + "\n  evaluating " + expression);
      }
      JsonObject value = result.getAsJsonObject("result");
      return value.has("value") ? value.get("value") : null;
    }

    /** Writes a PNG screenshot of the page. */
    void screenshot(Path file) throws Exception {
      JsonObject params = new JsonObject();
      params.addProperty("format", "png");
      String data = send(sessionId, "Page.captureScreenshot", params).get("data").getAsString();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() throws Exception {
      JsonObject params = new JsonObject();
      params.addProperty("targetId", targetId);
      send(null, "Target.closeTarget", params);
    }
  }
}
