package dev.duplexrpc.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code duplex} command line tool: calls, notifications, discovery and event listening
 * against any JSON-RPC 2.0 WebSocket server, a test server, and a bridge that puts a stdio
 * JSON-RPC program (a language server, for instance) on a WebSocket.
 *
 * <pre>{@code
 * duplex call ws://127.0.0.1:8080/rpc subtract '[42, 23]'
 * duplex serve --port 8080
 * duplex bridge --port 3000 -- my-language-server --stdio
 * }</pre>
 *
 * <p>Errors the user can act on end the process with one line on stderr and an exit code of
 * {@link Exit}; see {@code docs/cli.md}.
 *
 * @since 0.1
 */
@Command(
    name = "duplex",
    mixinStandardHelpOptions = true,
    versionProvider = Duplex.Version.class,
    description = "Bidirectional JSON-RPC 2.0 over WebSocket from the command line.",
    subcommands = {
        CallCommand.class, NotifyCommand.class, DiscoverCommand.class, ListenCommand.class,
        ServeCommand.class, BridgeCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        " 0:success",
        " 1:the server answered with a JSON-RPC error",
        " 2:bad usage: unknown option, missing or invalid argument",
        " 3:bad URL (not ws:// or wss:// with a host)",
        " 4:invalid JSON params (not strict JSON, or not an array or object)",
        " 5:could not connect (refused, unreachable, handshake refused)",
        " 6:timed out waiting for the answer",
        " 7:connection closed before the answer (or abnormally, for listen)",
        " 8:could not listen (address in use, unknown host)",
        "70:internal error (a bug: please report it)",
        "130:ended by Ctrl-C (SIGINT); 143 by SIGTERM"})
public final class Duplex implements Runnable {

  /** UTF-8 standard output, whatever the platform's default encoding. */
  static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
  /** UTF-8 standard error. */
  static final PrintStream ERR =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
      description = "Log the library's messages (INFO and above) to stderr, with stack traces.")
  boolean verbose;

  private Duplex() {}

  /**
   * Runs the tool and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the tool.
   *
   * @param args the command line
   * @return the exit code
   */
  static int run(String... args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "duplex: %4$s %3$s: %5$s%6$s%n");
    Duplex top = new Duplex();
    CommandLine cli = new CommandLine(top);
    cli.setOut(new java.io.PrintWriter(OUT, true));
    cli.setErr(new java.io.PrintWriter(ERR, true));
    cli.setExecutionStrategy(parsed -> {
      boolean verbose = top.verbose;
      configureLogging(verbose ? Level.INFO : quietLevel(parsed));
      return new CommandLine.RunLast().execute(parsed);
    });
    cli.setParameterExceptionHandler((e, args1) -> {
      CommandLine c = e.getCommandLine();
      String name = c.getCommandSpec().qualifiedName();
      ERR.println(name + ": " + e.getMessage() + " (see " + name + " --help)");
      return Exit.USAGE;
    });
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().usageMessage()
          .exitCodeListHeading("%nExit codes:%n")
          .exitCodeList(cli.getCommandSpec().usageMessage().exitCodeList());
    }
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof UserException) {
        UserException u = (UserException) e;
        ERR.println("duplex " + commandLine.getCommandName() + ": " + u.getMessage());
        return u.exitCode();
      }
      ERR.println("duplex " + commandLine.getCommandName() + ": internal error: " + e);
      if (top.verbose) {
        e.printStackTrace(ERR);
      }
      return Exit.INTERNAL;
    });
    return cli.execute(args);
  }

  /** Client commands log nothing by default; the servers log warnings. */
  private static Level quietLevel(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult sub = parsed.subcommand();
    if (sub != null) {
      Object command = sub.commandSpec().userObject();
      if (command instanceof ServeCommand || command instanceof BridgeCommand) {
        return Level.WARNING;
      }
    }
    return Level.OFF;
  }

  private static void configureLogging(Level level) {
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (java.util.logging.Handler h : root.getHandlers()) {
      h.setLevel(level);
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a subcommand is required");
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Duplex.class.getPackage().getImplementationVersion();
      return new String[] {"duplex " + (v == null ? "(development build)" : v)};
    }
  }
}
