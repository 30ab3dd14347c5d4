package dev.duplexrpc.interop;

import dev.duplexrpc.testing.RequiredTool;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Node side of the interoperability tests: installs the pinned packages once per test run
 * ({@code npm ci} from the committed lockfile, into {@code target/node}) and runs one script per
 * peer as a child process, reading the JSON lines it prints.
 *
 * <p>When {@code node} is missing, the tests fail under {@code CI=true}, and are skipped with a
 * message elsewhere (a developer machine without Node.js still builds).
 */
final class Node {
  /** How long a script may run; each script also stops itself after 30 s. */
  static final long SCRIPT_SECONDS = 45;
  /** How long {@code npm ci} may take. */
  static final long INSTALL_SECONDS = 300;
  /** How long to wait for one line of a script's output. */
  static final long LINE_SECONDS = 20;

  private static Path installed;

  private Node() {}

  /**
   * The folder holding the scripts and their installed packages; installs them on first use.
   *
   * @return the working folder of the Node scripts
   */
  static synchronized Path installed() throws Exception {
    if (installed != null) {
      return installed;
    }
    String version = RequiredTool.node("the Node interop tests");
    int major = Integer.parseInt(version.replaceFirst("^v", "").split("\\.")[0]);
    if (major < 18) {
      fail("the interop tests need Node.js 18 or later, found " + version);
    }
    Path source = Paths.get(System.getProperty("interop.node.source", "src/test/node"));
    Path work = Paths.get(System.getProperty("interop.node.work", "target/node"));
    Files.createDirectories(work);
    Path lock = source.resolve("package-lock.json");
    Path installedLock = work.resolve("node_modules").resolve(".duplex-installed-lock.json");
    boolean fresh = Files.exists(installedLock) && Files.mismatch(lock, installedLock) == -1;
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, work.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (!fresh) {
      // --ignore-scripts: no package's install script runs; ws works without its native add-ons.
      Path log = work.resolve("npm-ci.log");
      Process npm = new ProcessBuilder(RequiredTool.npm(), "ci", "--ignore-scripts", "--no-audit", "--no-fund")
          .directory(work.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!npm.waitFor(INSTALL_SECONDS, TimeUnit.SECONDS)) {
        npm.destroyForcibly();
        fail("npm ci did not finish within " + INSTALL_SECONDS + " s; see " + log);
      }
      if (npm.exitValue() != 0) {
        fail("npm ci failed with exit code " + npm.exitValue() + ":\n" + Files.readString(log));
      }
      Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
    }
    installed = work;
    return work;
  }

  /**
   * Starts a script of the Node folder.
   *
   * @param script the file name, for example {@code rw-client.mjs}
   * @param args its arguments
   * @return the running script
   */
  static Script start(String script, String... args) throws Exception {
    Path work = installed();
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(script);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(work.toFile()).start();
    return new Script(script, p);
  }

  /** One running script: its stdout as JSON lines, its stderr kept for failure messages. */
  static final class Script implements AutoCloseable {
    private static final Object EOF = new Object();

    private final String name;
    private final Process process;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    Script(String name, Process process) {
      this.name = name;
      this.process = process;
      Thread out = new Thread(() -> pump(new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true), name + " stdout");
      Thread err = new Thread(() -> pump(new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false), name + " stderr");
      out.setDaemon(true);
      err.setDaemon(true);
      out.start();
      err.start();
    }

    private void pump(BufferedReader reader, boolean stdout) {
      try (reader) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (stdout) {
            lines.add(line);
          } else {
            stderr.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        stderr.append("[reading failed: ").append(e).append("]\n");
      } finally {
        if (stdout) {
          lines.add(EOF);
        }
      }
    }

    /** The next line the script printed, parsed; fails on a fatal line, the end, or a timeout. */
    JsonObject next() throws InterruptedException {
      Object line = lines.poll(LINE_SECONDS, TimeUnit.SECONDS);
      assertNotNull(line, () -> name + " printed nothing within " + LINE_SECONDS + " s" + diagnostics());
      if (line == EOF) {
        lines.add(EOF);
        fail(name + " ended its output early" + diagnostics());
      }
      JsonObject o;
      try {
        o = JsonParser.parseString((String) line).getAsJsonObject();
      } catch (RuntimeException e) {
        throw new AssertionError(name + " printed a line that is not a JSON object: " + line + diagnostics(), e);
      }
      if (o.has("fatal")) {
        fail(name + " failed: " + o.get("fatal").getAsString() + diagnostics());
      }
      return o;
    }

    /** The next line, which must be the result of step {@code step}. */
    JsonObject step(String step) throws InterruptedException {
      JsonObject o = next();
      if (!o.has("step") || !step.equals(o.get("step").getAsString())) {
        fail(name + ": expected step " + step + ", got " + o + diagnostics());
      }
      return o;
    }

    /** Closes the script's standard input (the signal for a server script to stop). */
    void closeInput() throws IOException {
      OutputStream in = process.getOutputStream();
      in.close();
    }

    /** Waits for the script to exit by itself and returns its exit code. */
    int awaitExit() throws InterruptedException {
      if (!process.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail(name + " did not exit within " + SCRIPT_SECONDS + " s" + diagnostics());
      }
      return process.exitValue();
    }

    String diagnostics() {
      return stderr.length() == 0 ? "" : "\n--- " + name + " stderr ---\n" + stderr;
    }

    /** Kills the script if it is still running. */
    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
