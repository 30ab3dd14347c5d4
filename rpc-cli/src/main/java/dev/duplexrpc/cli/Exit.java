package dev.duplexrpc.cli;

/** The tool's exit codes; docs/cli.md and {@code duplex --help} list them. */
final class Exit {
  static final int OK = 0;
  static final int RPC_ERROR = 1;
  static final int USAGE = 2;
  static final int BAD_URL = 3;
  static final int BAD_PARAMS = 4;
  static final int CONNECT_FAILED = 5;
  static final int TIMEOUT = 6;
  static final int CLOSED = 7;
  static final int CANNOT_LISTEN = 8;
  static final int INTERNAL = 70;

  private Exit() {}
}
