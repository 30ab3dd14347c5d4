package dev.duplexrpc.core.internal;

import dev.duplexrpc.core.PeerConfig;
import dev.duplexrpc.core.internal.call.CallTable;
import dev.duplexrpc.core.internal.codec.MessageWriter;
import dev.duplexrpc.core.internal.dispatch.Admission;
import dev.duplexrpc.core.internal.dispatch.Dispatcher;
import dev.duplexrpc.core.internal.dispatch.HandlerContexts;
import dev.duplexrpc.core.internal.dispatch.Receiver;
import dev.duplexrpc.core.internal.reply.Outbox;
import dev.duplexrpc.core.internal.stream.Streams;
import dev.duplexrpc.core.transport.Transport;

/**
 * The stages of one connection, wired together from its configuration: the receiver that incoming
 * text enters, the dispatcher and admission behind it, the outbox, and the call table that
 * outgoing calls go through. Made once per Peer; holds no logic of its own.
 *
 * @param state whether the connection is open
 * @param calls the outgoing half
 * @param admission what the incoming half has accepted (and its graceful shutdown)
 * @param receiver where incoming text enters
 * @param streams the streams open on the connection, both directions
 */
public record Pipeline(ConnectionState state, CallTable calls, Admission admission, Receiver receiver,
    Streams streams) {
  /**
   * Wires the stages.
   *
   * @param codecs the configuration's shared writer and parser
   * @param table the methods served
   * @param contexts makes the handlers' call contexts
   * @param hooks the interceptors, or null for none
   * @param closer closes the connection (the Peer's close)
   */
  public static Pipeline wire(Transport transport, PeerConfig c, Codecs codecs, MethodTable table,
      HandlerContexts contexts, CallHooks hooks, Closer closer) {
    ConnectionState state = new ConnectionState();
    MessageWriter writer = codecs.writer();
    Streams streams = new Streams(transport, state, writer, c.executor(), c);
    CallTable calls = new CallTable(transport, state, writer, c.executor(), c.maxMessageSize(),
        c.sendCancel(), c.callTimeout(), hooks, streams);
    Admission admission =
        new Admission(state, closer, c.maxInFlight(), c.maxQueuedNotifications());
    Dispatcher dispatcher = new Dispatcher(transport, table, calls, writer, c.executor(), admission,
        contexts, hooks, closer, c.exposeErrorDetails(), c.directExecution());
    Receiver receiver = new Receiver(transport, state, closer, c.maxMessageSize(),
        codecs.parser(), writer,
        new Outbox(transport, state, writer, c.maxMessageSize()), dispatcher);
    return new Pipeline(state, calls, admission, receiver, streams);
  }
}
