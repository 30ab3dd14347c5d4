package dev.duplexrpc.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a group of tests needs (Node.js, Chromium, redis-server): when it is missing, the
 * tests fail under {@code CI=true}, where the CI script installs it, and are skipped elsewhere with
 * a message saying so, so that a machine without it still builds.
 */
public final class RequiredTool {
  private RequiredTool() {}

  /**
   * Fails or skips the calling test because a program is missing.
   *
   * @param tool the program, for example {@code node}
   * @param tests which tests need it, for example {@code "the Node interop tests"}
   * @return never returns normally (declared so callers can write {@code throw missing(...)})
   */
  public static AssertionError missing(String tool, String tests) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(tool + " is not on the PATH: " + tests + " need it (CI=true)");
    }
    String message = tool + " is not on the PATH: " + tests + " are skipped (CI is not set)";
    System.out.println(message); // surefire shows no reason for a class aborted before its tests
    Assumptions.abort(message);
    return new AssertionError("unreachable");
  }

  /**
   * The version a program prints with {@code --version}.
   *
   * @param tool the program
   * @return its output, trimmed, or null if it cannot be run or fails
   */
  public static String version(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The version of Node.js, failing or skipping the test when it is missing.
   *
   * @param tests which tests need it
   * @return the version, for example {@code v20.20.2}
   */
  public static String node(String tests) {
    String version = version("node");
    if (version == null) {
      throw missing("node", tests);
    }
    return version;
  }

  /**
   * The npm command of this platform.
   *
   * @return {@code npm}, or {@code npm.cmd} on Windows
   */
  public static String npm() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows") ? "npm.cmd" : "npm";
  }
}
