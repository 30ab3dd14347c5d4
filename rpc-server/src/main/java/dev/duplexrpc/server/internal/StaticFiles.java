package dev.duplexrpc.server.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarEntry;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves files from the class path over plain HTTP on the embedded listener, next to the
 * WebSocket endpoint: GET and HEAD only, one content type per file extension, no directory
 * listings, and no path that leaves its folder (a request path with a {@code .} or {@code ..}
 * segment, an empty segment, or an encoded {@code /}, {@code \} or NUL is answered 404 before any
 * lookup). Everything else is 404, other methods 405. Immutable and thread-safe.
 */
public final class StaticFiles extends HttpHandler {
  private static final Logger LOG = System.getLogger(StaticFiles.class.getName());

  /** Where the library's browser client lives in the rpc-server jar. */
  public static final String BROWSER_CLIENT_RESOURCE = "META-INF/resources/duplex-rpc/duplex.js";

  /** The file served for a request path that ends with {@code /}. */
  private static final String INDEX = "index.html";

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("wasm", "application/wasm"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"));

  /** One folder of the class path served under a URL path prefix ending with {@code /}. */
  public record Folder(String urlPrefix, ClassLoader loader, String folder) {
    /**
     * Checks the parts.
     *
     * @param urlPrefix the URL path, starting and ending with {@code /}
     * @param loader the class loader to look files up with
     * @param folder the resource folder, ending with {@code /}
     */
    public Folder {
      Objects.requireNonNull(urlPrefix, "urlPrefix == null");
      Objects.requireNonNull(loader, "loader == null");
      Objects.requireNonNull(folder, "folder == null");
    }
  }

  private final List<Folder> folders;
  private final String browserClientPath;

  /**
   * Creates the handler.
   *
   * @param folders the folders; the longest matching prefix serves a request
   * @param browserClientPath the URL path of the library's {@code duplex.js}, or null for none;
   *     it wins over the folders
   */
  public StaticFiles(List<Folder> folders, String browserClientPath) {
    List<Folder> sorted = new ArrayList<>(folders);
    sorted.sort(Comparator.comparingInt((Folder f) -> f.urlPrefix().length()).reversed());
    this.folders = List.copyOf(sorted);
    this.browserClientPath = browserClientPath;
  }

  @Override
  public void service(Request request, Response response) throws Exception {
    Method method = request.getMethod();
    boolean head = Method.HEAD.equals(method);
    if (!head && !Method.GET.equals(method)) {
      response.setHeader("Allow", "GET, HEAD");
      plain(response, 405, "Method not allowed", false);
      return;
    }
    String path = request.getRequestURI();
    URL url = resolve(path);
    byte[] body = url == null ? null : read(url);
    if (body == null) {
      plain(response, 404, "Not found", head);
      return;
    }
    response.setStatus(200);
    response.setContentType(contentType(path.endsWith("/") ? INDEX : path));
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-cache");
    response.setContentLength(body.length);
    if (!head) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(body);
      }
    }
  }

  /** The resource a raw (undecoded) request path names, or null. */
  URL resolve(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return null;
    }
    if (rawPath.equals(browserClientPath)) {
      return StaticFiles.class.getResource("/" + BROWSER_CLIENT_RESOURCE);
    }
    String relative = null;
    Folder match = null;
    for (Folder f : folders) {
      if (rawPath.startsWith(f.urlPrefix())) {
        match = f;
        relative = rawPath.substring(f.urlPrefix().length());
        break;
      }
    }
    if (match == null) {
      return null;
    }
    String name = safeName(relative);
    if (name == null) {
      return null;
    }
    if (name.isEmpty() || name.endsWith("/")) {
      name += INDEX;
    }
    return match.loader().getResource(match.folder() + name);
  }

  /**
   * Decodes a raw relative path segment by segment, or null if it could leave its folder or is
   * malformed: a {@code .} or {@code ..} segment, an empty segment, a segment that decodes to
   * something with {@code /}, {@code \}, NUL or another control character, or bad escapes.
   */
  static String safeName(String raw) {
    if (raw.isEmpty()) {
      return "";
    }
    StringBuilder name = new StringBuilder(raw.length());
    String[] segments = raw.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      String segment = decode(segments[i]);
      if (segment == null) {
        return null;
      }
      if (segment.isEmpty()) {
        if (!last) {
          return null; // "a//b"
        }
        break; // a trailing "/": the folder's index
      }
      if (segment.equals(".") || segment.equals("..")) {
        return null;
      }
      for (int k = 0; k < segment.length(); k++) {
        char c = segment.charAt(k);
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
          return null;
        }
      }
      name.append(segment);
      if (!last) {
        name.append('/');
      }
    }
    return name.toString();
  }

  /** Percent-decodes one path segment as UTF-8, or null for a malformed escape. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      if (i + 2 >= segment.length()) {
        return null;
      }
      int hi = Character.digit(segment.charAt(i + 1), 16);
      int lo = Character.digit(segment.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    String decoded = bytes.toString(StandardCharsets.UTF_8);
    return decoded.indexOf('\uFFFD') >= 0 ? null : decoded;
  }

  /** The bytes of a regular file resource, or null for a directory or an unreadable one. */
  private static byte[] read(URL url) {
    try {
      switch (url.getProtocol()) {
        case "file" -> {
          Path p = Path.of(url.toURI());
          return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
        }
        case "jar" -> {
          URLConnection c = url.openConnection();
          c.setUseCaches(false);
          JarEntry entry = ((JarURLConnection) c).getJarEntry();
          if (entry == null || entry.isDirectory()) {
            return null;
          }
          try (InputStream in = c.getInputStream()) {
            return in.readAllBytes();
          }
        }
        default -> {
          try (InputStream in = url.openStream()) {
            return in.readAllBytes();
          }
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      LOG.log(Level.DEBUG, "Could not read {0}: {1}", url, e.toString());
      return null;
    }
  }

  /** The content type for a file name's extension; {@code application/octet-stream} if unknown. */
  static String contentType(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    if (dot <= slash) {
      return "application/octet-stream";
    }
    return TYPES.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
  }

  private static void plain(Response response, int status, String text, boolean head) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(body.length);
    if (!head) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(body);
      }
    }
  }

  /** Checks a URL path prefix and gives it a trailing {@code /}. */
  public static String urlPrefix(String urlPath) {
    Objects.requireNonNull(urlPath, "urlPath == null");
    if (!urlPath.startsWith("/")) {
      throw new IllegalArgumentException("a URL path must start with '/': " + urlPath);
    }
    String prefix = urlPath.endsWith("/") ? urlPath : urlPath + "/";
    if (safeName(prefix.substring(1)) == null || prefix.indexOf('%') >= 0) {
      throw new IllegalArgumentException("not a plain URL path: " + urlPath);
    }
    return prefix;
  }

  /** Checks a class path folder and gives it a trailing {@code /}. */
  public static String folder(String folder) {
    Objects.requireNonNull(folder, "folder == null");
    String f = folder.endsWith("/") ? folder : folder + "/";
    if (f.equals("/") || f.startsWith("/") || safeName(f) == null || f.indexOf('%') >= 0) {
      throw new IllegalArgumentException(
          "a class path folder is a relative resource name such as \"web\", not empty: '" + folder + "'");
    }
    return f;
  }
}
