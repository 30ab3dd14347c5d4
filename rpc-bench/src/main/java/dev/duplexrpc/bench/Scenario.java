package dev.duplexrpc.bench;

import java.util.Locale;

/**
 * One load shape. Specs on the command line:
 *
 * <ul>
 *   <li>{@code CxK}: C connections with K calls in flight on each, calling {@code subtract};
 *   <li>{@code CxK:SIZE}: the same calling {@code echo} with a string of SIZE characters
 *       ({@code 64}, {@code 1k}, {@code 16k});
 *   <li>{@code idle:N}: N idle connections, for memory per connection;
 *   <li>{@code s2c:CxK}: the server calls {@code subtract} on the client, K in flight on each of C
 *       connections (the generator answers with frames built around the request's id);
 *   <li>{@code client:CxK}: this library's own client makes the calls (typed async proxy), in the
 *       runner's process, instead of the raw generator;
 *   <li>{@code stream}: one stream result on one connection of this library's client, items
 *       counted as they arrive ({@link StreamLoad}); the {@code duplex} target only;
 *   <li>{@code fanout:N}: event fan-out from one server to N subscribed connections ({@link
 *       FanoutLoad}), deliveries per second, against the targets that publish events;
 *   <li>{@code cluster:N}: three Duplex RPC nodes over a redis-server of their own ({@link
 *       ClusterLoad}): event fan-out to N subscribers spread over the nodes, and relayed calls to a
 *       client of the same node and of another node. Skipped without {@code redis-server}.
 * </ul>
 *
 * @param spec the spec it was parsed from, also its name in reports
 * @param kind what is measured
 * @param connections connections
 * @param inFlight calls in flight per connection
 * @param payload echo payload in characters, 0 for {@code subtract}
 */
record Scenario(String spec, Kind kind, int connections, int inFlight, int payload) {
  /** What a scenario measures. */
  enum Kind {
    /** Calls from the load generator to the server. */
    CALLS,
    /** Idle connections: memory. */
    IDLE,
    /** Calls from the server to the generator. */
    SERVER_CALLS,
    /** Calls from this library's client to the server. */
    LIBRARY_CLIENT,
    /** Event fan-out from one server to N subscribers. */
    FANOUT,
    /** A cluster of three nodes over Redis: event fan-out and cross-node calls. */
    CLUSTER,
    /** One stream result to this library's client: items per second. */
    STREAM
  }

  static Scenario parse(String spec) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.equals("stream")) {
        return new Scenario(s, Kind.STREAM, 1, 0, 0);
      }
      if (s.startsWith("idle:")) {
        int n = Integer.parseInt(s.substring(5));
        if (n < 1) {
          throw new IllegalArgumentException("idle connections < 1");
        }
        return new Scenario(s, Kind.IDLE, n, 0, 0);
      }
      if (s.startsWith("fanout:")) {
        int n = Integer.parseInt(s.substring(7));
        if (n < 1) {
          throw new IllegalArgumentException("subscribers < 1");
        }
        return new Scenario(s, Kind.FANOUT, n, 0, 0);
      }
      if (s.startsWith("cluster:")) {
        int n = Integer.parseInt(s.substring(8));
        if (n < 1) {
          throw new IllegalArgumentException("subscribers < 1");
        }
        return new Scenario(s, Kind.CLUSTER, n, 0, 0);
      }
      if (s.startsWith("s2c:") || s.startsWith("client:")) {
        Scenario shape = parse(s.substring(s.indexOf(':') + 1));
        if (shape.kind != Kind.CALLS || shape.payload != 0) {
          throw new IllegalArgumentException("expected CxK after the prefix");
        }
        return new Scenario(s, s.startsWith("s2c:") ? Kind.SERVER_CALLS : Kind.LIBRARY_CLIENT,
            shape.connections, shape.inFlight, 0);
      }
      int colon = s.indexOf(':');
      String shape = colon < 0 ? s : s.substring(0, colon);
      int payload = colon < 0 ? 0 : size(s.substring(colon + 1));
      int x = shape.indexOf('x');
      int c = Integer.parseInt(shape.substring(0, x));
      int k = Integer.parseInt(shape.substring(x + 1));
      if (c < 1 || k < 1 || payload < 0) {
        throw new IllegalArgumentException("connections, in-flight and payload must be positive");
      }
      return new Scenario(s, Kind.CALLS, c, k, payload);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "bad scenario '" + spec + "' (expected CxK, CxK:SIZE, idle:N, s2c:CxK, client:CxK, stream, fanout:N or cluster:N): " + e.getMessage(), e);
    }
  }

  static int size(String s) {
    if (s.endsWith("k")) {
      return Integer.parseInt(s.substring(0, s.length() - 1)) * 1024;
    }
    if (s.endsWith("b")) {
      return Integer.parseInt(s.substring(0, s.length() - 1));
    }
    return Integer.parseInt(s);
  }

  /** A human description for tables. */
  String describe() {
    switch (kind) {
      case IDLE:
        return connections + " idle connections";
      case SERVER_CALLS:
        return "server→client: " + connections + " conn × " + inFlight + " in flight, subtract";
      case LIBRARY_CLIENT:
        return "library client: " + connections + " conn × " + inFlight + " in flight, subtract";
      case FANOUT:
        return "event fan-out to " + connections + " subscribers (deliveries/s)";
      case CLUSTER:
        return "cluster of 3 nodes over Redis, " + connections + " subscribers";
      case STREAM:
        return "one stream to the library client: items/s (in the calls/s column)";
      case CALLS:
      default:
        String what = payload == 0 ? "subtract" : "echo " + human(payload);
        return connections + " conn × " + inFlight + " in flight, " + what;
    }
  }

  static String human(int bytes) {
    return bytes >= 1024 && bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : bytes + " B";
  }
}
