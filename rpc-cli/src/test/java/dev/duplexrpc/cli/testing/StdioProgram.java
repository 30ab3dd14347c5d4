package dev.duplexrpc.cli.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JSON-RPC program on stdin and stdout, written independently of the bridge's own framing code,
 * for the bridge tests. {@code main(["content-length"])} or {@code main(["newline"])}.
 *
 * <ul>
 *   <li>{@code add(a, b)} answers {@code a + b}; {@code pid()} its process id;
 *       {@code unicode()} a string with characters of 2, 3 and 4 bytes in UTF-8.
 *   <li>{@code ask(x)} calls {@code echo(x)} on the client (id {@code "from-program"}) and answers
 *       {@code "client said " + answer} once the client's answer arrives.
 *   <li>{@code big(n)} answers a string of n chars.
 *   <li>{@code exit(code)} answers, then exits with {@code code}.
 *   <li>{@code garbage()} writes broken framing and keeps running.
 *   <li>At the end of its input it exits with 0.
 * </ul>
 */
public final class StdioProgram {
  /** The string {@code unicode()} answers. */
  public static final String UNICODE = "h\u00e9llo \u2713 \ud83d\ude00";

  private final boolean lsp;
  private final InputStream in;
  private final OutputStream out;
  private JsonElement waitingId;

  private StdioProgram(boolean lsp, InputStream in, OutputStream out) {
    this.lsp = lsp;
    this.in = in;
    this.out = out;
  }

  /**
   * Runs the program.
   *
   * @param args {@code content-length} or {@code newline}
   * @throws IOException if stdout fails
   */
  public static void main(String[] args) throws IOException {
    System.err.println("stdio program started (" + args[0] + ")");
    new StdioProgram(args[0].equals("content-length"), new BufferedInputStream(System.in), System.out).run();
  }

  private void run() throws IOException {
    String message;
    while ((message = read()) != null) {
      JsonObject m = JsonParser.parseString(message).getAsJsonObject();
      if (!m.has("method")) { // a response from the client
        if (m.get("id").getAsString().equals("from-program") && waitingId != null) {
          reply(waitingId, "client said " + m.get("result").getAsString());
          waitingId = null;
        }
        continue;
      }
      String method = m.get("method").getAsString();
      JsonArray params = m.has("params") ? m.getAsJsonArray("params") : new JsonArray();
      JsonElement id = m.get("id");
      switch (method) {
        case "add":
          reply(id, params.get(0).getAsLong() + params.get(1).getAsLong());
          break;
        case "pid":
          reply(id, ProcessHandle.current().pid());
          break;
        case "unicode":
          reply(id, UNICODE);
          break;
        case "ask":
          waitingId = id;
          JsonObject request = new JsonObject();
          request.addProperty("jsonrpc", "2.0");
          request.addProperty("id", "from-program");
          request.addProperty("method", "echo");
          request.add("params", params);
          write(request.toString());
          break;
        case "big":
          reply(id, "x".repeat(params.get(0).getAsInt()));
          break;
        case "exit":
          reply(id, "bye");
          System.exit(params.get(0).getAsInt());
          break;
        case "garbage":
          out.write(lsp ? "Content-Length: lots\r\n\r\n".getBytes(StandardCharsets.US_ASCII)
              : new byte[] {(byte) 0xff, (byte) 0xfe, '\n'});
          out.flush();
          break;
        default:
          System.err.println("stdio program: unknown method " + method);
      }
    }
    System.exit(0);
  }

  private void reply(JsonElement id, Object result) throws IOException {
    JsonObject r = new JsonObject();
    r.addProperty("jsonrpc", "2.0");
    r.add("id", id);
    if (result instanceof Number) {
      r.addProperty("result", (Number) result);
    } else {
      r.addProperty("result", (String) result);
    }
    write(r.toString());
  }

  private void write(String message) throws IOException {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    if (lsp) {
      out.write(("Content-Length: " + body.length + "\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    } else {
      out.write(body);
      out.write('\n');
    }
    out.flush();
  }

  private String read() throws IOException {
    if (!lsp) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.write(b);
      }
      if (b == -1 && line.size() == 0) {
        return null;
      }
      return line.toString(StandardCharsets.UTF_8);
    }
    int length = -1;
    while (true) {
      StringBuilder header = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        header.append((char) b);
      }
      if (b == -1) {
        return null;
      }
      String h = header.toString().trim();
      if (h.isEmpty()) {
        break;
      }
      if (h.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(h.substring("content-length:".length()).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new String(body, StandardCharsets.UTF_8);
  }
}
