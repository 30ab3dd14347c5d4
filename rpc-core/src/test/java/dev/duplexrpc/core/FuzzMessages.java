package dev.duplexrpc.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the messages of {@link ParserFuzzTest}: JSON-RPC templates written as text (some with
 * the exact answer they must get), mutated templates, and hand-picked hostile inputs (deep
 * nesting, huge numbers, broken UTF-16, whitespace, scalars, long strings, big batches).
 *
 * <p>Trees use the model of {@link JsonTree}: {@code Map}, {@code List}, {@code String}, {@link
 * JsonTree.Num}, {@code Boolean} and {@link JsonTree#NULL}. Every random choice comes from the
 * {@link SplittableRandom} passed in, so a seed gives the same messages on every run and JDK.
 */
final class FuzzMessages {

  /**
   * The exact answer an unmutated template item must get.
   *
   * @param code 0 for a result, else the error code
   * @param result the result tree when {@code code == 0}
   */
  record Hint(int code, Object result) {
    static Hint result(Object value) {
      return new Hint(0, value);
    }

    static Hint error(int code) {
      return new Hint(code, null);
    }
  }

  /**
   * One generated message.
   *
   * @param kind what generated it, for the statistics and failure messages
   * @param text the message text
   * @param hints for an unmutated template, one entry per top-level item (null where the oracle
   *     alone decides); null when there are none
   */
  record Case(String kind, String text, List<Hint> hints) {}

  /** The request methods of the fixture service. */
  static final List<String> METHODS =
      List.of("fuzz.add", "fuzz.greet", "fuzz.sum", "fuzz.move", "fuzz.echo", "fuzz.reset");
  /** The notification method of the fixture service. */
  static final String NOTIFICATION = "fuzz.log";

  /** Number literals that stress id echoing and number binding. */
  static final List<String> HUGE_NUMBERS =
      List.of(
          "1e999999",
          "-1e999999",
          "1E-999999",
          "1.5e-400",
          "-0",
          "-0.0",
          "0e0",
          "1" + "2".repeat(399),
          "-" + "9".repeat(400),
          "12345678901234567890",
          "9223372036854775808",
          "-9223372036854775809",
          "2147483648",
          "-2147483649",
          "1e9999",
          "4.9e-324",
          "1.7976931348623157e309",
          "0.1");

  /**
   * A valid integer that Gson 2.13's strict reader rejects as malformed: its digits overflow the
   * long accumulator to 0, which the reader takes for a leading zero (google/gson#3034). The
   * Peer's scanner and the oracle accept it, but Gson still reads the values the Peer converts
   * (params, results, error objects, cancel params), so it is kept out of messages with an exact
   * answer.
   */
  static final String GSON_REJECTED_INTEGER = "1" + "0".repeat(399);

  /** Fragments inserted by the mutator. */
  private static final String[] TOKENS = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\udc00\\ud800",
    "\ud800", "\udc00", "\udbff\udfff", "null", "true", "false", "0", "-0", "1e999999", "-", ".",
    "e", "\"id\"", "\"method\"", "\"params\"", "\"jsonrpc\"", "\"2.0\"", "\"result\"", "\"error\"",
    " ", "\n", "\u0000", "\u00a0", "\u2028", "\ufeff", "{}", "[]", "\"fuzz.add\"", ",\"id\":1",
    ",\"method\":\"fuzz.echo\"", ",\"params\":[1,2]", ",\"params\":{}", "\"\"", "//", "/*", "'",
    "NaN", "Infinity", "0x10", "01", "1.", ".5", "+1", "\\x41", "\\'", "\t", "\r\n", "\u001f",
  };

  private static final String[] WHITESPACE = {" ", "\n", "\t", "\r\n", "  ", "\r"};

  /** What long strings of mixed chars are made of (U+2028, quote, backslash, U+0001 are escaped). */
  private static final String[] LONG_STRING_PARTS =
      {"<", "\u2028", "\"", "\\", "\u0001", "\ud83d\ude00", "x"};

  private final int maxLength;

  /**
   * @param maxLength the longest message to generate (longer ones are cut to it)
   */
  FuzzMessages(int maxLength) {
    this.maxLength = maxLength;
  }

  /**
   * The next message.
   *
   * @param r the randomness for this message only
   * @param pendingIds the ids of the outgoing calls now waiting for a response
   */
  Case next(SplittableRandom r, long[] pendingIds) {
    Gen g = new Gen(r, pendingIds);
    Case c = g.generate();
    if (c.text().length() > maxLength) {
      return new Case(c.kind() + "+cut", c.text().substring(0, maxLength), null);
    }
    return c;
  }

  /** The state of one generation. */
  private final class Gen {
    private final SplittableRandom r;
    private final long[] pending;
    private final double wsChance;
    private final double escapeChance;

    Gen(SplittableRandom r, long[] pending) {
      this.r = r;
      this.pending = pending;
      this.wsChance = r.nextInt(4) == 0 ? r.nextDouble() * 0.5 : 0;
      this.escapeChance = r.nextInt(3) == 0 ? r.nextDouble() : 0;
    }

    Case generate() {
      int roll = r.nextInt(1000);
      if (roll < 170) {
        return template("template");
      } else if (roll < 595) {
        Case t = template("mutated");
        return new Case("mutated", mutate(t.text()), null);
      } else if (roll < 620) {
        return deepNesting();
      } else if (roll < 690) {
        return hugeNumbers();
      } else if (roll < 770) {
        return brokenUtf16();
      } else if (roll < 800) {
        return randomUnicode();
      } else if (roll < 820) {
        return blank();
      } else if (roll < 840) {
        return scalar();
      } else if (roll < 845) {
        return longStrings();
      } else if (roll < 940) {
        return responses();
      } else if (roll < 990) {
        return tokenSoup();
      } else if (roll < 999) {
        return invalidShapes();
      } else {
        return bigBatch();
      }
    }

    // -------------------------------------------------------------------------------------------
    // Templates: valid messages, each item with its exact answer where it is known

    Case template(String kind) {
      if (r.nextInt(5) == 0) {
        int n = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(8);
        List<Object> items = new ArrayList<>();
        List<Hint> hints = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (r.nextInt(8) == 0) {
            items.add(randomValue(2)); // not an object: Invalid Request, decided by the oracle
            hints.add(null);
          } else {
            Object[] item = item(true);
            items.add(item[0]);
            hints.add((Hint) item[1]);
          }
        }
        return new Case(kind + "-batch", write(items), hints);
      }
      Object[] item = item(true);
      List<Hint> hints = new ArrayList<>();
      hints.add((Hint) item[1]);
      return new Case(kind, write(item[0]), hints);
    }

    /** One message object and its hint (or null). */
    Object[] item(boolean cleanStrings) {
      int roll = r.nextInt(100);
      if (roll < 40) {
        return validCall(cleanStrings);
      } else if (roll < 55) {
        return invalidParamsCall();
      } else if (roll < 67) {
        if (r.nextInt(5) == 0) {
          return new Object[] {cancel(), null};
        }
        if (r.nextInt(5) == 0) {
          return new Object[] {eventForm(cleanStrings), null};
        }
        Map<String, Object> m = envelope(null, r.nextInt(4) == 0 ? pick(METHODS) : NOTIFICATION);
        m.remove("id");
        m.put("params", r.nextBoolean() ? list(string(cleanStrings, 20)) : map("line", string(cleanStrings, 20)));
        if (r.nextInt(5) == 0) {
          m.put("params", list(list(), 1)); // bad params: still no response
        }
        return new Object[] {m, null};
      } else if (roll < 75) {
        Map<String, Object> m = envelope(randomId(), unknownMethod());
        if (r.nextBoolean()) {
          m.put("params", list(1, 2));
        }
        if (r.nextInt(4) == 0) {
          m.remove("id"); // unknown notification: silently dropped
        }
        return new Object[] {m, null};
      } else if (roll < 85) {
        return new Object[] {response(), null};
      } else {
        return new Object[] {invalidRequest(), null};
      }
    }

    Object[] validCall(boolean cleanStrings) {
      Object id = randomId();
      boolean named = r.nextBoolean();
      Map<String, Object> params = new LinkedHashMap<>();
      Object result;
      String method = pick(METHODS);
      switch (method) {
        case "fuzz.add": {
          int a = randomInt();
          int b = randomInt();
          params.put("a", num(a));
          params.put("b", num(b));
          result = num(a + b);
          break;
        }
        case "fuzz.greet": {
          Object name = r.nextInt(10) == 0 ? JsonTree.NULL : string(cleanStrings, 30);
          params.put("name", name);
          String greeting = "Hello";
          if (r.nextBoolean()) {
            if (r.nextInt(4) == 0) {
              params.put("greeting", JsonTree.NULL);
            } else {
              greeting = string(cleanStrings, 10);
              params.put("greeting", greeting);
            }
          }
          result = greeting + ", " + (name == JsonTree.NULL ? "null" : name) + "!";
          break;
        }
        case "fuzz.sum": {
          List<Object> values = new ArrayList<>();
          int sum = 0;
          int n = r.nextInt(12);
          for (int i = 0; i < n; i++) {
            if (r.nextInt(10) == 0) {
              values.add(JsonTree.NULL);
            } else {
              int v = randomInt();
              values.add(num(v));
              sum += v;
            }
          }
          // JSON null for a list binds to null, which the handler sums to 0.
          params.put("values", r.nextInt(10) == 0 ? JsonTree.NULL : values);
          result = params.get("values") == JsonTree.NULL ? num(0) : num(sum);
          break;
        }
        case "fuzz.move": {
          int dx = randomInt();
          int dy = r.nextBoolean() ? randomInt() : 0;
          Object p;
          if (r.nextInt(8) == 0) {
            p = JsonTree.NULL;
            result = JsonTree.NULL;
          } else {
            int x = randomInt();
            int y = randomInt();
            Map<String, Object> point = map("x", num(x), "y", num(y));
            if (r.nextInt(5) == 0) {
              point.put("z", randomValue(2)); // unknown record fields are ignored
            }
            p = shuffled(point);
            result = map("x", num(x + dx), "y", num(y + dy));
          }
          params.put("p", p);
          params.put("dx", num(dx));
          if (dy != 0 || r.nextBoolean()) {
            params.put("dy", num(dy));
          }
          break;
        }
        case "fuzz.echo": {
          String text = string(cleanStrings, r.nextInt(10) == 0 ? 2000 : 40);
          params.put("text", text);
          result = text;
          break;
        }
        default: { // fuzz.reset
          Map<String, Object> m = envelope(id, method);
          switch (r.nextInt(3)) {
            case 0:
              m.put("params", list());
              break;
            case 1:
              m.put("params", map());
              break;
            default:
              break;
          }
          return new Object[] {m, Hint.result(JsonTree.NULL)};
        }
      }
      Map<String, Object> m = envelope(id, method);
      m.put("params", named ? shuffled(params) : new ArrayList<>(params.values()));
      return new Object[] {shuffled(m), Hint.result(result)};
    }

    Object[] invalidParamsCall() {
      String method = pick(METHODS);
      List<Object> options = new ArrayList<>();
      switch (method) {
        case "fuzz.add":
          options.addAll(List.of(list(), list(1), list(1, 2, 3), list(JsonTree.NULL, 1), list(list(1), 2),
              list(map(), 2), list(true, 2), list("x", 2), list(new JsonTree.Num("1e999999"), 2),
              map("a", 1), map("a", 1, "b", 2, "c", 3), map("A", 1, "b", 2)));
          break;
        case "fuzz.greet":
          options.addAll(List.of(list(), list(list()), list(map()), list("x", "y", "z"),
              map("nom", "x"), map("greeting", "x")));
          break;
        case "fuzz.sum":
          options.addAll(List.of(list(5), list("x"), list(list("x")), list(list(list(1))),
              list(list(1, 2), 3), map("value", list(1))));
          break;
        case "fuzz.move":
          options.addAll(List.of(list(list(1, 2), 1), list(map("x", "a", "y", 1), 1),
              list(map("x", JsonTree.NULL, "y", 1), 1), list(map("x", 1, "y", 2)),
              list(map("x", 1, "y", 2), 1, 2, 3), list(map("x", 1, "y", 2), JsonTree.NULL), list(5, 1)));
          break;
        case "fuzz.echo":
          options.addAll(List.of(list(), list(list()), list(map()), list("a", "b"), map("txt", "a")));
          break;
        default:
          options.addAll(List.of(list(1), map("x", 1)));
          break;
      }
      Map<String, Object> m = envelope(randomId(), method);
      m.put("params", pick(options));
      return new Object[] {shuffled(m), Hint.error(ErrorCodes.INVALID_PARAMS)};
    }

    /**
     * A cancellation notification ({@code rpc.cancel} or LSP's {@code $/cancelRequest}), which
     * the Peer consumes whatever it names: one of the Peer's own call ids, an id of any type, or
     * odd params. Requests here run inline, so none is still running when a cancel arrives.
     */
    Map<String, Object> cancel() {
      Map<String, Object> m = envelope(null, r.nextBoolean() ? "rpc.cancel" : "$/cancelRequest");
      m.remove("id");
      Object id = switch (r.nextInt(4)) {
        case 0 -> pending.length > 0 ? num(pending[r.nextInt(pending.length)]) : num(1);
        case 1 -> new JsonTree.Num(GSON_REJECTED_INTEGER);
        case 2 -> randomValue(2);
        default -> randomId();
      };
      m.put("params", switch (r.nextInt(5)) {
        case 0 -> list(id);
        case 1 -> list(id, id);
        case 2 -> map("id", id, "x", randomValue(1));
        case 3 -> map("ID", id);
        default -> map("id", id);
      });
      if (r.nextInt(10) == 0) {
        m.put("id", randomId()); // a request to a name nothing serves: -32601
      }
      return shuffled(m);
    }

    /**
     * The event form of rpc-websockets, {@code {"notification": name, "params": ...}}, which every
     * Peer takes as a notification of that name; sometimes with a member that makes it something
     * else (a method, an id, a result) or a name that is not a string.
     */
    Map<String, Object> eventForm(boolean cleanStrings) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("notification", switch (r.nextInt(6)) {
        case 0 -> unknownMethod();
        case 1 -> randomValue(1);
        default -> NOTIFICATION;
      });
      switch (r.nextInt(6)) {
        case 0 -> { } // no params
        case 1 -> m.put("params", pick(List.of("x", 5, true, JsonTree.NULL))); // dropped
        case 2 -> m.put("params", map("line", string(cleanStrings, 20)));
        default -> m.put("params", list(string(cleanStrings, 20)));
      }
      switch (r.nextInt(8)) {
        case 0 -> m.put("jsonrpc", pick(List.of("2.0", "1.0", JsonTree.NULL)));
        case 1 -> m.put("method", pick(List.of(NOTIFICATION, "nope", 5)));
        case 2 -> m.put("id", randomId());
        case 3 -> m.put(r.nextBoolean() ? "result" : "error", randomValue(1));
        default -> { }
      }
      return shuffled(m);
    }

    Map<String, Object> invalidRequest() {
      Map<String, Object> m = envelope(randomId(), pick(METHODS));
      m.put("params", list(1, 2));
      switch (r.nextInt(10)) {
        case 0:
          m.put("jsonrpc", "1.0");
          break;
        case 1:
          m.remove("jsonrpc");
          break;
        case 2:
          m.put("jsonrpc", new JsonTree.Num("2.0"));
          break;
        case 3:
          m.put("method", num(r.nextInt(100)));
          break;
        case 4:
          m.remove("method");
          break;
        case 5:
          m.put("params", pick(List.of("x", 5, true, JsonTree.NULL))); // "params": null too
          break;
        case 6:
          m.put("id", pick(List.of(map(), list(), true, false)));
          break;
        case 7:
          m.put("method", JsonTree.NULL);
          break;
        case 8:
          m.put("jsonrpc", JsonTree.NULL);
          break;
        default:
          m.clear();
          break;
      }
      return shuffled(m);
    }

    Map<String, Object> response() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (r.nextInt(8) != 0) {
        m.put("jsonrpc", "2.0");
      }
      m.put("id", pending.length > 0 && r.nextInt(3) != 0
          ? num(pending[r.nextInt(pending.length)])
          : randomId());
      switch (r.nextInt(8)) {
        case 0:
        case 1:
        case 2:
          m.put("result", randomValue(3));
          break;
        case 3:
        case 4: {
          Map<String, Object> error = map("code", num(-32000 - r.nextInt(100)), "message", string(false, 20));
          if (r.nextBoolean()) {
            error.put("data", randomValue(2));
          }
          m.put("error", error);
          break;
        }
        case 5:
          m.put("error", pick(List.of(JsonTree.NULL, "boom", 7, list(), map("code", "x"),
              map("code", new JsonTree.Num("1e999999"), "message", 1), map("message", "no code"),
              map("code", new JsonTree.Num("1.5"), "message", list()))));
          break;
        case 6:
          m.put("result", randomValue(1));
          m.put("error", map("code", 1, "message", "both"));
          break;
        default:
          m.put("result", pick(List.of(num(r.nextInt()), "text", map("x", 1, "y", 2), list(1, 2, 3),
              JsonTree.NULL, list("not", "ints"), new JsonTree.Num("1e999999"))));
          break;
      }
      return shuffled(m);
    }

    // -------------------------------------------------------------------------------------------
    // Mutation of text

    String mutate(String s) {
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        int len = s.length();
        int pos = len == 0 ? 0 : r.nextInt(len + 1);
        switch (r.nextInt(9)) {
          case 0: // replace one char
            if (pos < len) {
              s = s.substring(0, pos) + randomChar() + s.substring(pos + 1);
            }
            break;
          case 1: // flip one bit of a char
            if (pos < len) {
              s = s.substring(0, pos) + (char) (s.charAt(pos) ^ (1 << r.nextInt(16))) + s.substring(pos + 1);
            }
            break;
          case 2: // insert a token
          case 3:
            s = s.substring(0, pos) + pick(TOKENS) + s.substring(pos);
            break;
          case 4: { // delete a range
            int end = Math.min(len, pos + 1 + r.nextInt(r.nextBoolean() ? 4 : 40));
            s = s.substring(0, Math.min(pos, end)) + s.substring(end);
            break;
          }
          case 5: // cut at a random point: keep the head or the tail
            s = r.nextInt(3) == 0 ? s.substring(pos) : s.substring(0, pos);
            break;
          case 6: { // duplicate a range
            int end = Math.min(len, pos + 1 + r.nextInt(30));
            if (pos < end) {
              s = s.substring(0, end) + s.substring(pos, end) + s.substring(end);
            }
            break;
          }
          case 7: { // move a range elsewhere
            int end = Math.min(len, pos + 1 + r.nextInt(20));
            if (pos < end) {
              String piece = s.substring(pos, end);
              String rest = s.substring(0, pos) + s.substring(end);
              int at = r.nextInt(rest.length() + 1);
              s = rest.substring(0, at) + piece + rest.substring(at);
            }
            break;
          }
          default: { // flip a byte of the UTF-8 form; decode as a transport would
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0) {
              int b = r.nextInt(bytes.length);
              bytes[b] = (byte) (bytes[b] ^ (1 << r.nextInt(8)));
              s = new String(bytes, StandardCharsets.UTF_8);
            }
            break;
          }
        }
      }
      return s;
    }

    // -------------------------------------------------------------------------------------------
    // Hostile inputs

    Case deepNesting() {
      int depth;
      switch (r.nextInt(4)) {
        case 0:
        case 1:
          depth = 10_000;
          break;
        case 2:
          depth = 124 + r.nextInt(8); // around the limit of 128 levels
          break;
        default:
          depth = 1 + r.nextInt(20_000);
          break;
      }
      String deep = deep(depth, r.nextInt(3));
      String id = write(randomId());
      String text;
      switch (r.nextInt(9)) {
        case 0:
          text = deep;
          break;
        case 1:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"fuzz.echo\",\"params\":[" + deep + "]}";
          break;
        case 2:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + deep + ",\"method\":\"fuzz.echo\",\"params\":[\"x\"]}";
          break;
        case 3:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"fuzz.add\",\"params\":[1,2],\"x\":" + deep + "}";
          break;
        case 4:
          text = "[" + write(validCall(true)[0]) + "," + deep + "," + write(validCall(true)[0]) + "]";
          break;
        case 5:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + write(pending.length > 0 ? num(pending[0]) : num(1))
              + ",\"result\":" + deep + "}";
          break;
        case 6:
          text = deep.substring(0, r.nextInt(deep.length() + 1)); // unterminated
          break;
        case 7:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"fuzz.sum\",\"params\":{\"values\":" + deep + "}}";
          break;
        default:
          text = "{\"jsonrpc\":\"2.0\",\"method\":\"fuzz.log\",\"params\":" + deep + "}";
          break;
      }
      return new Case("deep", text, null);
    }

    /** {@code depth} nested arrays, objects or a mix, with a value in the middle. */
    String deep(int depth, int style) {
      StringBuilder open = new StringBuilder();
      StringBuilder close = new StringBuilder();
      for (int i = 0; i < depth; i++) {
        boolean array = style == 0 || (style == 2 && i % 2 == 0);
        open.append(array ? "[" : "{\"a\":");
        close.append(array ? ']' : '}');
      }
      String inner = style == 0 && r.nextBoolean() ? "" : "1";
      return open + inner + close.reverse();
    }

    Case hugeNumbers() {
      String n = r.nextInt(10) == 0 ? GSON_REJECTED_INTEGER : pick(HUGE_NUMBERS);
      String m = pick(HUGE_NUMBERS);
      String text;
      switch (r.nextInt(9)) {
        case 0:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"" + pick(METHODS) + "\",\"params\":[" + m + "]}";
          break;
        case 1:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"fuzz.add\",\"params\":[" + m + "," + pick(HUGE_NUMBERS) + "]}";
          break;
        case 2:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"fuzz.sum\",\"params\":{\"values\":[" + m + ",1,-0]}}";
          break;
        case 3:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"fuzz.move\",\"params\":[{\"x\":" + m + ",\"y\":-0}," + n + "]}";
          break;
        case 4:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"fuzz.echo\",\"params\":{\"text\":" + m + "}}";
          break;
        case 5:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"nope\"}";
          break;
        case 6:
          text = "{\"jsonrpc\":\"2.0\",\"id\":" + (pending.length > 0 ? Long.toString(pending[0]) : "1")
              + ",\"error\":{\"code\":" + n + ",\"message\":\"m\",\"data\":" + m + "}}";
          break;
        case 7:
          text = "[" + n + "," + m + ",{\"jsonrpc\":\"2.0\",\"id\":" + m + ",\"method\":\"fuzz.greet\",\"params\":[" + n + "]}]";
          break;
        default:
          text = n;
          break;
      }
      return new Case("huge-number", text, null);
    }

    Case brokenUtf16() {
      // A valid call or invalid request whose strings carry unpaired or reversed surrogates,
      // written raw or as \\u escapes (see write); the exact answer is still known.
      if (r.nextInt(4) == 0) {
        String s = write(item(false)[0]);
        int pos = r.nextInt(s.length() + 1);
        String bad = pick(new String[] {"\ud800", "\udfff", "\udc00\ud800", "\\ud800", "\\udc00\\ud800"});
        return new Case("utf16-raw", s.substring(0, pos) + bad + s.substring(pos), null);
      }
      Object id = r.nextBoolean() ? badString() : randomId();
      Map<String, Object> m = envelope(id, "fuzz.echo");
      Hint hint;
      switch (r.nextInt(6)) {
        case 0: {
          String text = badString();
          m.put("params", list(text));
          hint = Hint.result(text);
          break;
        }
        case 1: {
          m.put("params", map(badString(), 1)); // an unknown parameter name, echoed in data
          hint = Hint.error(ErrorCodes.INVALID_PARAMS);
          break;
        }
        case 2: {
          m.put("method", badString()); // unknown method
          hint = null;
          break;
        }
        case 3: {
          m.put("method", "fuzz.add");
          m.put("params", list(badString(), 1)); // not an int; the reason quotes it
          hint = Hint.error(ErrorCodes.INVALID_PARAMS);
          break;
        }
        case 4: {
          m.put("method", "fuzz.greet");
          String name = badString();
          m.put("params", map("name", name));
          hint = Hint.result("Hello, " + name + "!");
          break;
        }
        default: {
          m.put(badString(), badString()); // an unknown member
          m.put("params", list("x"));
          hint = Hint.result("x");
          break;
        }
      }
      List<Hint> hints = new ArrayList<>();
      hints.add(hint);
      return new Case("utf16", write(shuffled(m)), hints);
    }

    Case randomUnicode() {
      if (r.nextBoolean()) {
        return new Case("unicode-text", string(false, 200), null);
      }
      Map<String, Object> m = envelope(string(true, 30), r.nextBoolean() ? "fuzz.echo" : string(true, 20));
      String text = string(true, 100);
      m.put("params", list(text));
      List<Hint> hints = new ArrayList<>();
      hints.add("fuzz.echo".equals(m.get("method")) ? Hint.result(text) : null);
      return new Case("unicode", write(m), hints);
    }

    Case blank() {
      String[] options = {"", " ", "\n", "\t\r\n ", "\u00a0", "\u2028", "\ufeff", "\ufeff ", "\f",
          "\u000b", "\u0000", " ".repeat(1 + r.nextInt(5000)), "\r".repeat(3)};
      return new Case("blank", pick(options), null);
    }

    Case scalar() {
      String[] options = {"1", "-0", "1e999999", "\"str\"", "\"\"", "true", "false", "null", " 7 ",
          "\n\"\\ud800\"\n", "0.5", "\"" + "x".repeat(r.nextInt(1000)) + "\"", "12345678901234567890"};
      return new Case("scalar", pick(options), null);
    }

    Case longStrings() {
      // Up to a fifth of the limit. Gson writes U+2028 as six chars (HTML escaping or not), so an
      // echo of one can be six times longer than the message that asked for it, and go over the
      // limit the Peer must keep.
      int length = 10_000 + r.nextInt(maxLength / 5 - 10_000);
      String s = longString(length);
      boolean fits = 6L * length + 1000 < maxLength; // even fully escaped, the answer fits
      Map<String, Object> m;
      Hint hint = null;
      switch (r.nextInt(6)) {
        case 0:
          m = envelope(randomId(), "fuzz.echo");
          m.put("params", list(s));
          hint = fits ? Hint.result(s) : null;
          break;
        case 1:
          m = envelope(s, unknownMethod()); // the error echoes the long id
          break;
        case 2:
          m = envelope(randomId(), s);
          break;
        case 3:
          m = envelope(randomId(), "fuzz.add");
          m.put("params", list(1, 2));
          m.put("padding", s);
          hint = Hint.result(num(3));
          break;
        case 4:
          m = envelope(randomId(), "fuzz.add");
          m.put("params", list(s, 2)); // not an int: the -32602 reason quotes it
          hint = fits ? Hint.error(ErrorCodes.INVALID_PARAMS) : null;
          break;
        default: {
          // Each answer fits, all of them together may not: long results, or long ids echoed.
          List<Object> batch = new ArrayList<>();
          int n = 2 + r.nextInt(5);
          boolean longIds = r.nextBoolean();
          // Ids of U+2028 that, escaped, add up to just over the limit.
          String idPart = "\u2028".repeat(maxLength / 6 / n + r.nextInt(1000));
          for (int i = 0; i < n; i++) {
            String part = s.substring(0, length / n);
            Map<String, Object> call = envelope(longIds ? idPart + i : num(i), "fuzz.echo");
            call.put("params", list(longIds ? "x" : part));
            if (longIds && r.nextBoolean()) {
              call.put("method", unknownMethod());
            }
            batch.add(call);
          }
          return new Case("long-batch", write(batch), null);
        }
      }
      List<Hint> hints = new ArrayList<>();
      hints.add(hint);
      return new Case("long-string", write(m), hints);
    }

    String longString(int length) {
      StringBuilder sb = new StringBuilder(length);
      int style = r.nextInt(4);
      while (sb.length() < length) {
        switch (style) {
          case 3:
            sb.append('\u2028');
            break;
          case 0:
            sb.append((char) ('a' + r.nextInt(26)));
            break;
          case 1:
            sb.append(randomChar());
            break;
          default:
            sb.append(pick(LONG_STRING_PARTS));
            break;
        }
      }
      return sb.toString();
    }

    Case responses() {
      if (r.nextInt(4) == 0) {
        List<Object> items = new ArrayList<>();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
          items.add(response());
        }
        return new Case("responses", write(items), null);
      }
      return new Case("response", write(response()), null);
    }

    Case tokenSoup() {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(30);
      for (int i = 0; i < n; i++) {
        sb.append(pick(TOKENS));
      }
      return new Case("token-soup", sb.toString(), null);
    }

    Case invalidShapes() {
      String[] options = {"[]", "[[]]", "[1]", "[1,2,3]", "[null]", "{}", "[{}]", "[[{\"jsonrpc\":\"2.0\",\"method\":\"fuzz.reset\",\"id\":1}]]",
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":{},\"method\":\"fuzz.reset\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":{},\"id\":1,\"method\":\"fuzz.reset\"}",
          "{\"jsonrpc\":\"2.0\",\"method\":\"fuzz.reset\",\"id\":1,\"method\":5}",
          "{\"jsonrpc\":\"2.0\",\"id\":true,\"result\":1}"};
      return new Case("shape", pick(options), null);
    }

    Case bigBatch() {
      int n = r.nextBoolean() ? PeerConfig.DEFAULT_MAX_BATCH_SIZE : PeerConfig.DEFAULT_MAX_BATCH_SIZE + 1 + r.nextInt(100);
      String item = pick(new String[] {"1", "{\"jsonrpc\":\"2.0\",\"method\":\"fuzz.log\",\"params\":[\"x\"]}",
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"fuzz.add\",\"params\":[1,2]}"});
      String text = "[" + String.join(",", Collections.nCopies(n, item)) + "]";
      if (r.nextInt(3) == 0) { // not JSON after all: a parse error, however long the batch
        text = text.substring(0, text.length() - 1) + pick(new String[] {",]", "", "]]", "}", ",{}"});
      }
      return new Case("big-batch", text, null);
    }

    // -------------------------------------------------------------------------------------------
    // Values

    Map<String, Object> envelope(Object id, String method) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("jsonrpc", "2.0");
      m.put("id", id);
      m.put("method", method);
      return m;
    }

    Object randomId() {
      switch (r.nextInt(12)) {
        case 0:
        case 1:
        case 2:
          return num(r.nextInt(1000));
        case 3:
          return num(r.nextLong());
        case 4:
          return new JsonTree.Num(pick(HUGE_NUMBERS));
        case 5:
          return "";
        case 6:
        case 7:
          return string(true, 12);
        case 8:
          return string(false, 12);
        case 9:
          return JsonTree.NULL;
        case 10:
          return "id-" + r.nextInt(100);
        default:
          return new JsonTree.Num(pick(new String[] {"1.5", "-7", "2E3", "0.000001", "-0"}));
      }
    }

    String unknownMethod() {
      return pick(new String[] {"nope", "fuzz.", "fuzz.Add", "fuzz.add ", "rpc.discover", "",
          "fuzz.add\u0000", "FUZZ.ECHO", "fuzz.echo.x"});
    }

    /** A string with an unpaired or reversed surrogate somewhere. */
    String badString() {
      String bad = pick(new String[] {"\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800", "\ud800\ud800"});
      String a = string(true, 5);
      String b = string(true, 5);
      switch (r.nextInt(3)) {
        case 0:
          return bad + a;
        case 1:
          return a + bad;
        default:
          return a + bad + b;
      }
    }

    /** A random string; clean ones are well-formed UTF-16, others may hold lone surrogates. */
    String string(boolean clean, int maxLen) {
      int n = r.nextInt(maxLen + 1);
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        if (clean) {
          int cp = randomCodePoint();
          sb.appendCodePoint(cp);
        } else {
          sb.append(randomChar());
        }
      }
      return sb.toString();
    }

    int randomCodePoint() {
      switch (r.nextInt(8)) {
        case 0:
          return r.nextInt(0x20); // control characters, escaped by write
        case 1:
          return pick(new Integer[] {0x22, 0x5c, 0x2f, 0x3c, 0x3e, 0x26, 0x27, 0x3d, 0x2028, 0x2029, 0xfeff, 0xfffe, 0xffff, 0x7f});
        case 2:
          return 0x80 + r.nextInt(0xd800 - 0x80);
        case 3:
          return 0xe000 + r.nextInt(0x10000 - 0xe000);
        case 4:
          return 0x10000 + r.nextInt(0x110000 - 0x10000);
        default:
          return 0x20 + r.nextInt(0x5f);
      }
    }

    /** Any UTF-16 code unit, surrogates included. */
    char randomChar() {
      switch (r.nextInt(5)) {
        case 0:
          return (char) (0xd800 + r.nextInt(0x800));
        case 1:
          return (char) r.nextInt(0x10000);
        case 2:
          String structural = "{}[],:\"\\ \n0-e.tfn";
          return structural.charAt(r.nextInt(structural.length()));
        default:
          return (char) (0x20 + r.nextInt(0x5f));
      }
    }

    int randomInt() {
      switch (r.nextInt(4)) {
        case 0:
          return r.nextInt();
        case 1:
          return pick(new Integer[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE});
        default:
          return r.nextInt(2001) - 1000;
      }
    }

    Object randomValue(int depth) {
      int roll = r.nextInt(depth > 0 ? 9 : 6);
      switch (roll) {
        case 0:
          return JsonTree.NULL;
        case 1:
          return r.nextBoolean();
        case 2:
          return num(randomInt());
        case 3:
          return new JsonTree.Num(pick(HUGE_NUMBERS));
        case 4:
        case 5:
          return string(r.nextBoolean(), 12);
        case 6:
        case 7: {
          List<Object> l = new ArrayList<>();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            l.add(randomValue(depth - 1));
          }
          return l;
        }
        default: {
          Map<String, Object> m = new LinkedHashMap<>();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            m.put(pick(new String[] {"x", "y", "a", "code", "message", string(false, 4)}), randomValue(depth - 1));
          }
          return m;
        }
      }
    }

    // -------------------------------------------------------------------------------------------
    // Writing

    String write(Object tree) {
      StringBuilder sb = new StringBuilder();
      space(sb);
      write(sb, tree);
      space(sb);
      return sb.toString();
    }

    private void write(StringBuilder sb, Object v) {
      if (v == JsonTree.NULL) {
        sb.append("null");
      } else if (v instanceof Boolean || v instanceof JsonTree.Num) {
        sb.append(v instanceof JsonTree.Num n ? n.literal() : v.toString());
      } else if (v instanceof Integer i) {
        sb.append(i);
      } else if (v instanceof String s) {
        quote(sb, s);
      } else if (v instanceof List<?> l) {
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          space(sb);
          write(sb, l.get(i));
          space(sb);
        }
        sb.append(']');
      } else if (v instanceof Map<?, ?> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          space(sb);
          quote(sb, (String) e.getKey());
          space(sb);
          sb.append(':');
          space(sb);
          write(sb, e.getValue());
          space(sb);
        }
        sb.append('}');
      } else {
        throw new IllegalArgumentException("not a tree value: " + v);
      }
    }

    private void space(StringBuilder sb) {
      if (wsChance > 0 && r.nextDouble() < wsChance) {
        sb.append(pick(WHITESPACE));
      }
    }

    /** Writes a valid JSON string; non-ASCII (surrogates included) is escaped at random. */
    private void quote(StringBuilder sb, String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          int k = "\b\f\n\r\t".indexOf(c);
          if (k >= 0 && r.nextBoolean()) {
            sb.append('\\').append("bfnrt".charAt(k));
          } else {
            escape(sb, c, true);
          }
        } else if (c == '/' && r.nextBoolean()) {
          sb.append("\\/");
        } else if ((c >= 0x7f || c == 'A') && escapeChance > 0 && r.nextDouble() < escapeChance) {
          // non-ASCII, and one ASCII letter so that plain names get escapes too
          escape(sb, c, r.nextBoolean());
        } else {
          sb.append(c);
        }
      }
      sb.append('"');
    }

    /** Appends {@code c} as a backslash-u escape, with lower- or upper-case hex digits. */
    private void escape(StringBuilder sb, char c, boolean lowerCase) {
      String hex = lowerCase ? "0123456789abcdef" : "0123456789ABCDEF";
      sb.append('\\').append('u');
      for (int shift = 12; shift >= 0; shift -= 4) {
        sb.append(hex.charAt((c >> shift) & 0xf));
      }
    }

    // -------------------------------------------------------------------------------------------
    // Helpers

    <T> T pick(T[] options) {
      return options[r.nextInt(options.length)];
    }

    <T> T pick(List<T> options) {
      return options.get(r.nextInt(options.size()));
    }

    Map<String, Object> shuffled(Map<String, Object> m) {
      List<Map.Entry<String, Object>> entries = new ArrayList<>(m.entrySet());
      for (int i = entries.size() - 1; i > 0; i--) {
        Collections.swap(entries, i, r.nextInt(i + 1));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : entries) {
        out.put(e.getKey(), e.getValue());
      }
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tree construction

  static JsonTree.Num num(long v) {
    return new JsonTree.Num(Long.toString(v));
  }

  static List<Object> list(Object... values) {
    List<Object> l = new ArrayList<>();
    for (Object v : values) {
      l.add(v instanceof Integer i ? num(i) : v);
    }
    return l;
  }

  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      m.put((String) keysAndValues[i], v instanceof Integer n ? num(n) : v);
    }
    return m;
  }
}
