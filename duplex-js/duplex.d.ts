// Type declarations of duplex.js, the Duplex RPC JavaScript client (docs/browser.md).

/** The error codes the library uses (docs/errors.md). */
export declare const ErrorCodes: Readonly<{
  PARSE_ERROR: -32700;
  INVALID_REQUEST: -32600;
  METHOD_NOT_FOUND: -32601;
  INVALID_PARAMS: -32602;
  INTERNAL_ERROR: -32603;
  OVERLOADED: -32000;
  TIMEOUT: -32001;
  CONNECTION_CLOSED: -32002;
  LIMIT_EXCEEDED: -32003;
  CANCELLED: -32004;
  SHUTTING_DOWN: -32005;
  INVALID_RESPONSE: -32006;
  REPLAY_BUFFER_FULL: -32009;
}>;

/** The default call timeout in milliseconds (30 s). */
export declare const DEFAULT_CALL_TIMEOUT: number;
/** The default credit window of a consumed stream: 256 items. */
export declare const DEFAULT_STREAM_WINDOW: number;
/** How long a socket may take to open and have its session's greeting answered by default: 10000 ms. */
export declare const DEFAULT_CONNECT_TIMEOUT: number;
/** The default size of a session's replay buffer: 1 MiB of UTF-8. */
export declare const DEFAULT_RESUME_BUFFER: number;
/** How long a message waits for room in a full replay buffer by default: 10000 ms. */
export declare const DEFAULT_RESUME_SEND_WAIT: number;
/** The reconnect defaults: 500 ms initial delay, 30000 ms at most, unlimited attempts. */
export declare const DEFAULT_RECONNECT: Readonly<Required<ReconnectOptions>>;

/** A connection's state (Connection.state). */
export type ConnectionState = "connecting" | "open" | "resuming" | "reconnecting" | "closed";

/** How a connection that lost its socket reconnects: full-jitter exponential backoff. */
export interface ReconnectOptions {
  /** The first attempt's delay is random up to this, in milliseconds; doubled per failed attempt. Default 500. */
  initialDelay?: number;
  /** The most any attempt waits, in milliseconds. Default 30000. */
  maxDelay?: number;
  /** Failed attempts in a row before the connection closes for good. Default Infinity. */
  maxAttempts?: number;
}

/** A session's replay buffer (docs/resume.md). */
export interface ResumeBufferOptions {
  /** The most UTF-8 bytes the server has not acknowledged. Default 1048576. */
  bytes?: number;
  /** Milliseconds a message waits for room before a call rejects with -32009. Default 10000; 0 fails at once. */
  sendWait?: number;
}

/** Options of Connection.stream(). */
export interface StreamOptions {
  /** Milliseconds to wait for the response that names the stream; the connection's callTimeout by default. */
  timeout?: number;
  /** Credit window in items: how far the producer may run ahead of the loop. Default 256. */
  window?: number;
}

/** A JSON value, as params, results and error data are. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Positional (an array) or named (a plain object) params. */
export type Params = unknown[] | Record<string, unknown>;

/**
 * A JSON-RPC error: the other end's error response, or one raised locally (-32001 timeout,
 * -32002 connection closed, -32006 malformed error response). Throw one from an exposed method
 * to answer with it.
 */
export declare class RpcError extends Error {
  constructor(code: number, message?: string, data?: unknown);
  readonly name: "RpcError";
  /** The JSON-RPC error code. */
  code: number;
  /** The error's `data` member; undefined when absent. */
  data: unknown;
  /** With -32002: the WebSocket close code. */
  closeCode?: number;
  /** With -32002: the WebSocket close reason. */
  closeReason?: string;
}

/** The WebSocket class connect() uses: the browser's, or a compatible one such as the `ws` package's. */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

/** The part of a WebSocket that duplex.js uses. */
export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server selected; "" for none. */
  readonly protocol?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: any }) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

/** A function the other end may call. */
export type ExposedFunction = (...args: any[]) => unknown;

/** Options of connect(). */
export interface ConnectOptions {
  /** Methods the other end may call, each own enumerable function under its name. */
  services?: Record<string, ExposedFunction>;
  /** Default timeout of call() in milliseconds; 0 for none. Default 30000. */
  callTimeout?: number;
  /** Whether a call that times out sends rpc.cancel for its id. Default true. */
  sendCancel?: boolean;
  /** Whether to offer Duplex RPC's wire extensions (subprotocols jsonrpc-2.0, duplex-rpc.1). Default true. */
  wireExtensions?: boolean;
  /** The trace context to send with each call and notification not given its own; sent only when extensionsAgreed. */
  traceContext?: () => TraceContext | undefined;
  /** WebSocket subprotocols to offer instead, for a server that asks for its own. */
  protocols?: string | string[];
  /** The WebSocket class; the global one by default (in Node.js, pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /**
   * Whether a connection that lost its socket (close codes 1001, 1005, 1006, 1011 to 1014)
   * reconnects, and how. Default true (the defaults of ReconnectOptions); false closes the
   * connection with its socket.
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Milliseconds a socket (the first and each reconnect's) may take to open and have its session's
   * greeting answered; then connect() rejects with -32002 (reason "connect timed out"), or the
   * reconnect attempt counts as failed. Default 10000.
   */
  connectTimeout?: number;
  /** Whether to ask this library's server for a resumable session (docs/resume.md). Default true. */
  resumableSessions?: boolean;
  /** The session's replay buffer. */
  resumeBuffer?: ResumeBufferOptions;
  /** Called on each change of Connection.state. */
  onStateChange?: (state: ConnectionState, previous: ConnectionState) => void;
  /**
   * Runs after a reconnect that made a fresh session (not after a resume), before the state is
   * "open" again; subscriptions are renewed before it. If it throws, the attempt counts as failed.
   */
  onReconnect?: (connection: Connection) => void | Promise<void>;
}

/** A W3C trace context, sent as the top-level traceparent / tracestate members (docs/wire.md, "Trace context"). */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

/** Options of one notification. */
export interface NotifyOptions {
  /** The trace context to send with it; the connection's traceContext() by default. Sent only when extensionsAgreed. */
  traceContext?: TraceContext;
}

/** Options of one call. */
export interface CallOptions extends NotifyOptions {
  /** Milliseconds to wait for the response, 0 for no limit; the connection's callTimeout by default. */
  timeout?: number;
}

/** How a connection closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** One subscription to a server event, made by Connection.subscribe(). */
export interface Subscription {
  readonly event: string;
  /** Whether the handler still receives the event. */
  readonly active: boolean;
  /** Removes the handler; the last one of an event sends rpc.off. */
  close(): void;
}

/**
 * Opens a connection to a Duplex RPC server (or any JSON-RPC 2.0 WebSocket peer).
 *
 * @param url a ws:/wss: URL (a string or a URL object), or (in a page) a URL relative to the page
 * @returns resolves when the connection is open (with this library's server, once it answered the
 *     session's greeting); rejects with RpcError -32002 if the socket closes first
 */
export declare function connect(url: string | { readonly href: string }, options?: ConnectOptions): Promise<Connection>;

/** One open connection: calls to the other end, methods it may call, events. */
export declare class Connection {
  /** reopen makes the next socket for reconnecting; without it the connection ends with its socket. */
  constructor(socket: WebSocketLike, options?: ConnectOptions, reopen?: () => WebSocketLike);
  /** Resolves once the connection has closed for good, whichever side closed it. */
  readonly closed: Promise<CloseInfo>;
  /** Resolves when the connection is first open; rejects with RpcError -32002 if its socket closes first. */
  readonly opened: Promise<void>;
  /** Whether the socket is open (false while resuming, when calls are still taken). */
  readonly isOpen: boolean;
  /**
   * "open"; "resuming": the socket was lost and the session is kept (calls are buffered, nothing
   * pending fails); "reconnecting": pending calls failed with -32002 and new ones fail at once;
   * "closed" for good.
   */
  readonly state: ConnectionState;
  /** The number of calls waiting for their response. */
  readonly pendingCalls: number;
  /** Whether the server agreed Duplex RPC's wire extensions (subprotocol duplex-rpc.1). */
  readonly extensionsAgreed: boolean;
  /**
   * Calls a method of the other end. Rejects with RpcError: the other end's error, -32001 after
   * the timeout, -32002 when the connection closes first.
   */
  call<R = unknown>(method: string, params?: Params, options?: CallOptions): Promise<R>;
  /**
   * Calls a method whose result is a stream: an async iterable of its items (`for await`). Each
   * iteration makes the call; `break` cancels the stream; an error ending it is thrown as RpcError.
   */
  stream<T = unknown>(method: string, params?: Params, options?: StreamOptions): AsyncIterable<T>;
  /** Starts a batch of calls and notifications sent as one message by Batch.send(). */
  batch(): Batch;
  /** Sends a notification (no response). Throws RpcError -32002 if the connection is not open. */
  notify(method: string, params?: Params, options?: NotifyOptions): void;
  /** Exposes a function the other end may call; null removes it. Names starting with "rpc." are reserved. */
  expose(name: string, fn: ExposedFunction | null): this;
  /** Subscribes to a server event (rpc.on); resolves once the server confirmed. */
  subscribe<P = unknown>(event: string, handler: (payload: P) => void): Promise<Subscription>;
  /** Closes the connection; pending calls reject at once with -32002. */
  close(code?: number, reason?: string): Promise<CloseInfo>;
}

/** Calls and notifications sent together as one JSON array. */
export declare class Batch {
  private constructor();
  call<R = unknown>(method: string, params?: Params, options?: CallOptions): Promise<R>;
  notify(method: string, params?: Params, options?: NotifyOptions): this;
  /** Sends the batch; throws RpcError -32002 if the connection is not open. */
  send(): void;
}

/**
 * The typed view of a remote interface T: each method takes T's parameters and returns a
 * promise of its result (a method that already returns a promise is not wrapped twice).
 * Properties of T that are not methods are left out.
 */
export type Remote<T> = {
  [K in keyof T as T[K] extends (...args: any[]) => any ? K : never]:
    T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/**
 * A proxy that turns method calls into Connection.call(prefix + name, args): the typed SDK of a
 * shared interface, as a Java client's `connection.remote(Shop.class)`.
 *
 * ```ts
 * interface Calc { add(a: number, b: number): number; }
 * const calc = remote<Calc>(rpc, "calc.");
 * const sum: number = await calc.add(2, 3);
 * ```
 */
export declare function remote<T>(connection: Connection, prefix?: string): Remote<T>;
