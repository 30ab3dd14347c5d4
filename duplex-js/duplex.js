// duplex.js: the Duplex RPC browser client. Bidirectional JSON-RPC 2.0 over the browser's own
// WebSocket, speaking the same wire as the Java library (docs/wire.md): the page calls the
// server, the server calls methods the page exposes, and the page subscribes to the server's
// events (rpc.on / rpc.off). A lost socket reconnects, and with this library's server the session
// is resumed: nothing pending fails, nothing is lost (docs/resume.md). An ES module without
// dependencies, in sections: errors and helpers, connect(), resumable sessions (SessionLayer),
// Connection, streams, batches; see docs/browser.md.

/**
 * The error codes the library uses (docs/errors.md). -32001, -32002, -32006 and -32009 are
 * raised locally, by this client, and are not sent by the server on its own.
 *
 * @readonly
 * @enum {number}
 */
export const ErrorCodes = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  OVERLOADED: -32000,
  TIMEOUT: -32001,
  CONNECTION_CLOSED: -32002,
  LIMIT_EXCEEDED: -32003,
  CANCELLED: -32004,
  SHUTTING_DOWN: -32005,
  INVALID_RESPONSE: -32006,
  REPLAY_BUFFER_FULL: -32009,
});

const STANDARD_MESSAGES = new Map([
  [-32700, "Parse error"],
  [-32600, "Invalid Request"],
  [-32601, "Method not found"],
  [-32602, "Invalid params"],
  [-32603, "Internal error"],
  [-32000, "Overloaded"],
  [-32001, "Request timed out"],
  [-32002, "Connection closed"],
  [-32003, "Limit exceeded"],
  [-32004, "Request cancelled"],
  [-32005, "Shutting down"],
  [-32006, "Invalid response"],
  [-32009, "Replay buffer full"],
]);

/** The default call timeout, in milliseconds: 30 seconds, as the Java library's. */
export const DEFAULT_CALL_TIMEOUT = 30000;

/** How long a socket may take to open and, with a session, to have its greeting answered: 10 s, as the Java client's. */
export const DEFAULT_CONNECT_TIMEOUT = 10000;

/** The default credit window of a consumed stream, in items (as the Java library's). */
export const DEFAULT_STREAM_WINDOW = 256;

/** WebSocket.OPEN; the constant is read from the number so that any WebSocket-like class works. */
const OPEN = 1;

/** The subprotocol that agrees Duplex RPC's wire extensions (docs/wire.md, "Extensions"). */
const DUPLEX_SUBPROTOCOL = "duplex-rpc.1";
/** What connect() offers: plain JSON-RPC first, so that a server that takes the first offer blindly speaks plain. */
const SUBPROTOCOLS = Object.freeze(["jsonrpc-2.0", DUPLEX_SUBPROTOCOL]);

/** The first message on a duplex-rpc.1 socket from a client without resumable sessions. */
const SESSION_OFF = '{"jsonrpc":"2.0","method":"rpc.session","params":{"resumable":false}}';

/**
 * A JSON-RPC error: an error response from the other end (its `code`, `message` and `data`), or
 * one raised here: -32001 (timeout), -32002 (connection closed; then `closeCode` and
 * `closeReason` are set too) or -32006 (a malformed error response).
 *
 * Throw one from an exposed method to answer with that error:
 * `throw new RpcError(-32010, "Negative argument", { value: x })`.
 */
export class RpcError extends Error {
  /**
   * Creates the error.
   *
   * @param {number} code the JSON-RPC error code, an integer
   * @param {string} [message] the message; the code's standard message when absent
   * @param {*} [data] the `data` member, any JSON value; absent when undefined
   */
  constructor(code, message, data) {
    super(message ?? standardMessage(code));
    this.name = "RpcError";
    /** @type {number} */
    this.code = code;
    /** @type {*} */
    this.data = data;
  }
}

function standardMessage(code) {
  if (STANDARD_MESSAGES.has(code)) {
    return STANDARD_MESSAGES.get(code);
  }
  return code >= -32099 && code <= -32000 ? "Server error" : "Error";
}

function closedError(code, reason) {
  const error = new RpcError(ErrorCodes.CONNECTION_CLOSED,
      `Connection closed (${code}${reason ? ": " + reason : ""})`);
  error.closeCode = code;
  error.closeReason = reason;
  return error;
}

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const isValidId = (id) => id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));

/** An error response object, as a plain object, for an error a handler threw. */
function errorObject(thrown, method) {
  const own = thrown instanceof RpcError
      || (thrown !== null && typeof thrown === "object" && Number.isInteger(thrown.code)
          && !(typeof DOMException !== "undefined" && thrown instanceof DOMException));
  if (own) {
    const error = {code: thrown.code, message: typeof thrown.message === "string" ? thrown.message : standardMessage(thrown.code)};
    if (thrown.data !== undefined) {
      error.data = thrown.data;
    }
    return error;
  }
  // Like the Java library: a generic answer, and the details stay here.
  console.error(`duplex.js: the handler of '${method}' failed`, thrown);
  return {code: ErrorCodes.INTERNAL_ERROR, message: "Internal error"};
}

/** The payload an event handler gets from an event's params (as in the Java client). */
function eventPayload(params) {
  if (Array.isArray(params)) {
    return params.length === 0 ? null : params.length === 1 ? params[0] : params;
  }
  return params === undefined ? null : params;
}

/** Turns a page-relative or http(s) URL into a ws(s) URL of the same origin. */
function webSocketUrl(url) {
  const base = globalThis.location ? globalThis.location.href : undefined;
  const u = new URL(String(url), base);
  if (u.protocol === "http:") {
    u.protocol = "ws:";
  } else if (u.protocol === "https:") {
    u.protocol = "wss:";
  } else if (u.protocol !== "ws:" && u.protocol !== "wss:") {
    throw new TypeError(`not a WebSocket URL: ${url}`);
  }
  return u.href;
}

/**
 * Opens a connection to a Duplex RPC server (or any JSON-RPC 2.0 WebSocket peer).
 *
 * ```js
 * import { connect } from "/duplex.js";
 * const rpc = await connect("/rpc", {
 *   services: { confirm: async (question) => window.confirm(question) },
 * });
 * const receipt = await rpc.call("order", ["coffee", 3]);
 * ```
 *
 * @param {string|URL} url a `ws:` or `wss:` URL, or a URL relative to the page (`"/rpc"`),
 *     whose `http:`/`https:` scheme becomes `ws:`/`wss:`
 * @param {object} [options]
 * @param {Object<string, Function>} [options.services] methods the server may call: each own
 *     enumerable function property is exposed under its name (see {@link Connection#expose})
 * @param {number} [options.callTimeout=30000] the default timeout of {@link Connection#call} in
 *     milliseconds; 0 for none
 * @param {boolean} [options.sendCancel=true] whether a call that times out sends `rpc.cancel`
 *     for its id, so that the server stops working on it
 * @param {boolean} [options.wireExtensions=true] whether to offer Duplex RPC's wire extensions
 *     (subprotocols `jsonrpc-2.0` then `duplex-rpc.1`; see {@link Connection#extensionsAgreed});
 *     false offers no subprotocol and speaks plain JSON-RPC 2.0
 * @param {Function} [options.traceContext] returns the W3C trace context to send with each call
 *     and notification that is not given its own (`{traceparent, tracestate}`, or undefined for
 *     none), e.g. from the page's tracing library; sent only when {@link Connection#extensionsAgreed}
 * @param {string|string[]} [options.protocols] WebSocket subprotocols to offer instead of the
 *     above, for a server that asks for its own
 * @param {Function} [options.WebSocket] the WebSocket class; the browser's by default
 * @param {number} [options.connectTimeout=10000] milliseconds a socket (the first one and each
 *     reconnect's) may take to open and, with a session, to have its greeting answered; then it is
 *     given up: connect() rejects with -32002 (close code 1006, reason "connect timed out"), and a
 *     reconnect attempt counts as failed
 * @param {boolean|{initialDelay?: number, maxDelay?: number, maxAttempts?: number}} [options.reconnect=true]
 *     whether a connection that lost its socket reconnects, as the Java client: full-jitter
 *     exponential backoff from `initialDelay` (500 ms) up to `maxDelay` (30000 ms), at most
 *     `maxAttempts` failed attempts in a row (unlimited); false closes the connection with its
 *     socket. Only after close codes that may pass (1001, 1005, 1006, 1011 to 1014), never after
 *     {@link Connection#close}
 * @param {boolean} [options.resumableSessions=true] whether to ask this library's server for a
 *     resumable session (docs/resume.md): a lost socket (1006) turns the state `"resuming"`,
 *     nothing pending fails, and the session goes on after the reconnect; false tells the server
 *     that this client keeps no session
 * @param {{bytes?: number, sendWait?: number}} [options.resumeBuffer] the session's replay
 *     buffer: at most `bytes` (1 MiB) of messages the server has not acknowledged; a message that
 *     does not fit waits up to `sendWait` (10000 ms) for room, then a call rejects with -32009
 * @param {Function} [options.onStateChange] called with `(state, previous)` on each change of
 *     {@link Connection#state}
 * @param {Function} [options.onReconnect] runs (with the connection; may return a promise) after
 *     each reconnect that had to make a fresh session, on the new socket, before the state is
 *     `"open"` again: the place to log in again. Subscriptions are renewed before it runs. Not
 *     run after a resume. If it throws, the new socket is closed and the attempt counts as failed
 * @returns {Promise<Connection>} resolves when the connection is open (with this library's
 *     server, when it has answered the session's greeting); rejects with an {@link RpcError}
 *     -32002 if the socket closes before that
 */
export function connect(url, options = {}) {
  const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
  if (typeof WebSocketClass !== "function") {
    return Promise.reject(new TypeError("no WebSocket class: pass options.WebSocket"));
  }
  let connection;
  let socket;
  try {
    const target = webSocketUrl(url);
    const protocols = options.protocols ?? ((options.wireExtensions ?? true) ? SUBPROTOCOLS : undefined);
    const open = () => new WebSocketClass(target, protocols);
    socket = open();
    connection = new Connection(socket, options, open);
  } catch (e) {
    if (socket) { // bad options: the socket goes at once
      socket.onerror = () => {};
      try {
        socket.close();
      } catch (ignored) {
        // closed already
      }
    }
    return Promise.reject(e);
  }
  return connection.opened.then(() => connection);
}

/**
 * A proxy that turns method calls into {@link Connection#call}s: `remote(rpc).add(2, 3)` is
 * `rpc.call("add", [2, 3])`, and `remote(rpc, "calc.").add(2, 3)` calls `"calc.add"`. Every
 * method returns the call's promise. In TypeScript, `remote<Calc>(rpc)` types it from an
 * interface (see duplex.d.ts).
 *
 * ```js
 * const calc = remote(rpc, "calc.");
 * const sum = await calc.add(2, 3);
 * ```
 *
 * @param {Connection} connection the connection to call through
 * @param {string} [prefix=""] put before every method name (the Java interface's
 *     `@RpcService(prefix = ...)`)
 * @returns {Object<string, Function>} the proxy; `then` and symbols are not methods, so that
 *     the proxy is not mistaken for a promise
 */
export function remote(connection, prefix = "") {
  if (!(connection instanceof Connection)) {
    throw new TypeError(`not a Connection: ${connection}`);
  }
  if (typeof prefix !== "string") {
    throw new TypeError(`the prefix is a string: ${prefix}`);
  }
  return new Proxy(Object.create(null), {
    get(target, name) {
      if (typeof name !== "string" || name === "then") {
        return undefined;
      }
      return (...args) => connection.call(prefix + name, args);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Resumable sessions (docs/resume.md): the same wire as the Java library's sequence layer.
// ---------------------------------------------------------------------------------------------

/** The default size of a session's replay buffer, in UTF-8 bytes: 1 MiB, as the Java library's. */
export const DEFAULT_RESUME_BUFFER = 1048576;

/** How long a message that does not fit in the replay buffer waits for room, in milliseconds. */
export const DEFAULT_RESUME_SEND_WAIT = 10000;

/** The reconnect defaults, as the Java client's `ReconnectPolicy.exponential()`. */
export const DEFAULT_RECONNECT = Object.freeze({initialDelay: 500, maxDelay: 30000, maxAttempts: Infinity});

/** An acknowledgement goes after this many unacknowledged messages... */
const ACK_EVERY = 64;
/** ...or this many milliseconds after a message arrived. */
const ACK_INTERVAL = 1000;

/** The close codes after which a lost connection reconnects (the Java client's default list). */
const RETRYABLE = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

function ackText(received) {
  return `{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":${received}}}`;
}

function helloText(token, received) {
  return token === null
    ? '{"jsonrpc":"2.0","method":"rpc.session","params":{}}'
    : JSON.stringify({jsonrpc: "2.0", method: "rpc.session", params: {token, received}});
}

/** The control message `{method, params}` in a text, or null for any other message (as Java's Control.parse). */
function controlMessage(text) {
  const head = text.length > 64 ? text.slice(0, 64) : text;
  if (!head.includes('"rpc.ack"') && !head.includes('"rpc.session"')) {
    return null;
  }
  let m;
  try {
    m = JSON.parse(text);
  } catch (e) {
    return null;
  }
  if (!isObject(m) || has(m, "id") || (m.method !== "rpc.ack" && m.method !== "rpc.session")) {
    return null;
  }
  return {method: m.method, params: isObject(m.params) ? m.params : {}};
}

/** The UTF-8 length of a text, without encoding it. */
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      n++;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length
        && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      n += 4;
      i++;
    } else {
      n += 3;
    }
  }
  return n;
}

function checkedSetting(value, fallback, name, min) {
  const v = value ?? fallback;
  if (!(typeof v === "number" && v >= min && (Number.isFinite(v) || v === Infinity))) {
    throw new TypeError(`${name} must be a number >= ${min}: ${value}`);
  }
  return v;
}

/**
 * One session's sequence layer, across sockets: numbers what it sends and receives (control
 * messages excluded), keeps what the server has not acknowledged (bounded in bytes), acknowledges
 * what it received (after 64 messages or 1 s), and replays after a resume what the server lacks.
 */
class SessionLayer {
  /** @type {string} the token of the next resume */
  token;
  #limit;
  #sendWait;
  /** @type {{seq: number, text: string, size: number}[]} sent, not yet acknowledged */
  #entries = [];
  #bytes = 0;
  #lastSeq = 0;
  /** @type {{text: string, size: number, onFull: Function, timer: *}[]} sends waiting for room */
  #waiting = [];
  #socket = null;
  #received = 0;
  #acked = 0;
  #ackTimer = null;

  constructor(token, limit, sendWait) {
    this.token = token;
    this.#limit = limit;
    this.#sendWait = sendWait;
  }

  /** How many numbered messages this side has received. */
  get received() {
    return this.#received;
  }

  /** Sends a message now, or keeps it for the next socket; `onFull(error)` if it never fits. */
  send(text, onFull) {
    const size = utf8Length(text);
    if (this.#waiting.length === 0 && this.#fits(size)) {
      this.#add(text, size);
      return;
    }
    if (this.#sendWait === 0) {
      onFull(this.#full());
      return;
    }
    const w = {text, size, onFull, timer: null};
    w.timer = setTimeout(() => {
      const i = this.#waiting.indexOf(w);
      if (i >= 0) {
        this.#waiting.splice(i, 1);
        onFull(this.#full());
      }
    }, this.#sendWait);
    this.#waiting.push(w);
  }

  /**
   * Puts a socket under the session: acknowledges what was received, then replays what the server
   * has not (its count `peerReceived`). False, with nothing sent, if that count does not fit what
   * was sent (the server is not this session's).
   */
  attach(socket, peerReceived) {
    const first = this.#entries.length > 0 ? this.#entries[0].seq : this.#lastSeq + 1;
    if (!Number.isInteger(peerReceived) || peerReceived > this.#lastSeq || peerReceived + 1 < first) {
      return false;
    }
    this.#acknowledge(peerReceived);
    this.#socket = socket;
    this.#acked = this.#received;
    this.#write(ackText(this.#received)); // tells the server at once that its answer arrived
    for (const entry of this.#entries) {
      this.#write(entry.text);
    }
    this.#drain();
    return true;
  }

  /** The socket dropped: sends are kept for the next one. */
  detach() {
    this.#socket = null;
    clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
  }

  /** The session ended: what waits for room fails with `error`. */
  close(error) {
    this.detach();
    const failed = this.#waiting.splice(0);
    this.#entries = [];
    this.#bytes = 0;
    for (const w of failed) {
      clearTimeout(w.timer);
      w.onFull(error);
    }
  }

  /** A text that arrived on the attached socket; true if it is the application's. */
  receive(text) {
    const control = controlMessage(text);
    if (control !== null) {
      if (control.method === "rpc.ack" && Number.isInteger(control.params.received)) {
        this.#acknowledge(control.params.received);
        this.#drain();
      }
      return false;
    }
    this.#received++;
    if (this.#received - this.#acked >= ACK_EVERY) {
      this.#ack();
    } else if (this.#ackTimer === null) {
      this.#ackTimer = setTimeout(() => {
        this.#ackTimer = null;
        if (this.#received > this.#acked) {
          this.#ack();
        }
      }, ACK_INTERVAL);
      this.#ackTimer.unref?.(); // Node.js: the timer alone does not keep the process running
    }
    return true;
  }

  #ack() {
    if (this.#socket !== null) {
      this.#acked = this.#received;
      this.#write(ackText(this.#received));
    }
  }

  #fits(size) {
    return this.#entries.length === 0 || this.#bytes + size <= this.#limit;
  }

  #add(text, size) {
    this.#entries.push({seq: ++this.#lastSeq, text, size});
    this.#bytes += size;
    if (this.#socket !== null) {
      this.#write(text);
    }
  }

  #acknowledge(received) {
    let n = 0;
    while (n < this.#entries.length && this.#entries[n].seq <= received) {
      this.#bytes -= this.#entries[n].size;
      n++;
    }
    if (n > 0) {
      this.#entries.splice(0, n);
    }
  }

  #drain() {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0].size)) {
      const w = this.#waiting.shift();
      clearTimeout(w.timer);
      this.#add(w.text, w.size);
    }
  }

  #write(text) {
    try {
      this.#socket.send(text);
    } catch (e) {
      // A socket that cannot send is closing: its close event detaches it, and the replay resends.
    }
  }

  #full() {
    return new RpcError(ErrorCodes.REPLAY_BUFFER_FULL, undefined, {reason:
        `the other end has not acknowledged ${this.#bytes} bytes, the buffer's limit is ${this.#limit}`});
  }
}

/**
 * One open connection: calls to the other end, methods it may call, events. Made by
 * {@link connect}.
 */
export class Connection {
  #socket;
  #callTimeout;
  #sendCancel;
  #traceContext;
  #nextId = 1;
  /** @type {Map<number, {resolve: Function, reject: Function, timer: *, method: string}>} */
  #pending = new Map();
  /** @type {Map<string, {fn: Function, self: *}>} */
  #methods = new Map();
  /** @type {Map<string, {handlers: Set<Function>, ready: Promise<void>}>} */
  #events = new Map();
  #closeInfo = null;
  #resolveClosed;
  #resolveOpened;
  #rejectOpened;
  /** @type {Map<string, StreamReader>} the streams this end consumes, by the other end's id */
  #streams = new Map();
  // The connection's life across sockets (see the section "Resumable sessions").
  #state = "connecting";
  #reopen;
  #reconnect;
  #resumable;
  #resumeLimit;
  #resumeSendWait;
  #onStateChange;
  #onReconnect;
  /** @type {SessionLayer|null} */
  #session = null;
  #ready = false; // the current socket is open and past its greeting
  #greeting = false; // waiting for the server's rpc.session answer
  #closing = false;
  #attempts = 0;
  #retryTimer = null;
  #connectTimeout;
  #connectTimer = null; // gives up a socket that is not ready in time
  #drop = {code: 1006, reason: ""}; // the close that ended the last open socket

  /**
   * Wraps a WebSocket that is connecting; use {@link connect} instead.
   *
   * @param {WebSocket} socket the socket, not yet open
   * @param {object} options the options of {@link connect}
   * @param {Function} [reopen] makes the next socket, for reconnecting; without it the
   *     connection ends with its socket
   */
  constructor(socket, options = {}, reopen = undefined) {
    this.#socket = socket;
    const timeout = options.callTimeout ?? DEFAULT_CALL_TIMEOUT;
    if (!(Number.isFinite(timeout) && timeout >= 0)) {
      throw new TypeError(`callTimeout must be a number of milliseconds >= 0: ${timeout}`);
    }
    this.#callTimeout = timeout;
    this.#sendCancel = options.sendCancel ?? true;
    if (options.traceContext !== undefined && typeof options.traceContext !== "function") {
      throw new TypeError("traceContext is a function returning {traceparent, tracestate}");
    }
    this.#traceContext = options.traceContext;
    const reconnect = options.reconnect ?? true;
    if (reconnect !== false && reconnect !== true && !isObject(reconnect)) {
      throw new TypeError(`reconnect is a boolean or {initialDelay, maxDelay, maxAttempts}: ${reconnect}`);
    }
    this.#reconnect = reconnect === false || typeof reopen !== "function" ? null : {
      initialDelay: checkedSetting(reconnect.initialDelay, DEFAULT_RECONNECT.initialDelay, "reconnect.initialDelay", 0),
      maxDelay: checkedSetting(reconnect.maxDelay, DEFAULT_RECONNECT.maxDelay, "reconnect.maxDelay", 0),
      maxAttempts: checkedSetting(reconnect.maxAttempts, DEFAULT_RECONNECT.maxAttempts, "reconnect.maxAttempts", 0),
    };
    this.#reopen = reopen;
    this.#connectTimeout = checkedSetting(options.connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout", 1);
    this.#resumable = options.resumableSessions ?? true;
    this.#resumeLimit = checkedSetting(options.resumeBuffer?.bytes, DEFAULT_RESUME_BUFFER, "resumeBuffer.bytes", 1);
    this.#resumeSendWait = checkedSetting(options.resumeBuffer?.sendWait, DEFAULT_RESUME_SEND_WAIT,
        "resumeBuffer.sendWait", 0);
    for (const [name, fn] of [["onStateChange", options.onStateChange], ["onReconnect", options.onReconnect]]) {
      if (fn !== undefined && typeof fn !== "function") {
        throw new TypeError(`${name} is a function: ${fn}`);
      }
    }
    this.#onStateChange = options.onStateChange;
    this.#onReconnect = options.onReconnect;
    if (options.services) {
      for (const name of Object.keys(options.services)) {
        if (typeof options.services[name] === "function") {
          this.expose(name, options.services[name].bind(options.services));
        }
      }
    }
    /**
     * Resolves with `{code, reason}` once the connection has closed for good (its socket closed
     * and it does not reconnect), whichever side closed it.
     *
     * @type {Promise<{code: number, reason: string}>}
     */
    this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
    /**
     * Resolves when the connection is first open; rejects with an RpcError -32002 if its socket
     * closes first.
     *
     * @type {Promise<void>}
     */
    this.opened = new Promise((resolve, reject) => {
      this.#resolveOpened = resolve;
      this.#rejectOpened = reject;
    });
    this.opened.catch(() => {});
    this.#wire(socket);
  }

  /**
   * Whether the socket is open (false from the moment a loss is known, also while the state is
   * `"resuming"`, when calls are still taken).
   *
   * @returns {boolean}
   */
  get isOpen() {
    return this.#closeInfo === null && this.#ready && this.#socket.readyState === OPEN;
  }

  /**
   * The connection's state: `"connecting"` until first open, `"open"`, `"resuming"` (the socket
   * was lost and the session is kept: calls are buffered and sent after the resume, nothing
   * pending fails), `"reconnecting"` (the socket was lost, or the session could not be resumed:
   * what was pending failed with -32002, and calls fail at once until the state is `"open"`
   * again), `"closed"` (for good). Each change is passed to the `onStateChange` option.
   *
   * @returns {"connecting"|"open"|"resuming"|"reconnecting"|"closed"}
   */
  get state() {
    return this.#state;
  }

  /** Whether a message can be sent now or kept for the resume. */
  get #canSend() {
    return this.#closeInfo === null && (this.#ready || (this.#state === "resuming" && this.#session !== null));
  }

  #setState(state) {
    const previous = this.#state;
    if (previous === state) {
      return;
    }
    this.#state = state;
    try {
      this.#onStateChange?.(state, previous);
    } catch (e) {
      console.error("duplex.js: onStateChange failed", e);
    }
  }

  /** Listens to one socket; events of a socket that was replaced are ignored. */
  #wire(socket) {
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(() => this.#connectTimedOut(socket), this.#connectTimeout);
    socket.onopen = () => {
      if (socket === this.#socket) {
        this.#socketOpened(socket);
      }
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) {
        this.#socketMessage(event.data);
      }
    };
    socket.onerror = () => {}; // a close event follows and says more
    socket.onclose = (event) => {
      if (socket === this.#socket) {
        this.#socketClosed(event.code, event.reason);
      }
    };
  }

  /** A socket not ready in time is given up, as a socket that closed at once. */
  #connectTimedOut(socket) {
    if (socket !== this.#socket || this.#ready || this.#state === "closed") {
      return;
    }
    const ignore = () => {};
    socket.onopen = ignore;
    socket.onmessage = ignore;
    socket.onerror = ignore;
    socket.onclose = ignore;
    try {
      socket.close(1000, "connect timed out");
    } catch (e) {
      // closed already
    }
    this.#socketClosed(1006, "connect timed out");
  }

  #socketOpened(socket) {
    if (!this.extensionsAgreed) {
      this.#linkReady(null);
    } else if (!this.#resumable) {
      socket.send(SESSION_OFF); // duplex-rpc.1's first message: this client keeps no session
      this.#linkReady(null);
    } else {
      this.#greeting = true; // ready when the server has answered
      const s = this.#session;
      socket.send(s !== null && this.#state === "resuming" ? helloText(s.token, s.received) : helloText(null, 0));
    }
  }

  #socketMessage(data) {
    if (this.#greeting) {
      this.#greeting = false;
      const c = typeof data === "string" ? controlMessage(data) : null;
      if (c !== null && c.method === "rpc.session" && typeof c.params.token === "string") {
        this.#linkReady(c.params);
        return;
      }
      this.#linkReady(null); // the server keeps no session: a plain connection
      if (c !== null) {
        return;
      }
    }
    if (this.#session !== null && typeof data === "string" && !this.#session.receive(data)) {
      return; // a control message
    }
    this.#onMessage(data);
  }

  /** The current socket is ready: `answer` is the server's rpc.session params, or null for none. */
  #linkReady(answer) {
    const socket = this.#socket;
    clearTimeout(this.#connectTimer);
    const old = this.#session;
    if (old !== null && this.#state === "resuming" && answer !== null && answer.resumed === true) {
      if (old.attach(socket, answer.received)) {
        old.token = answer.token;
        this.#attempts = 0;
        this.#ready = true;
        this.#setState("open");
      } else {
        // The server is not this session's. (A page may close only with 1000 or 3000 to 4999.)
        socket.close(1000, "resume failed");
      }
      return;
    }
    if (old !== null) { // not resumed: the old session ends as a drop did without sessions
      this.#session = null;
      const reason = "session not resumed" + (this.#drop.reason ? "; lost with: " + this.#drop.reason : "");
      old.close(closedError(this.#drop.code, reason));
      this.#failCalls(this.#drop.code, reason);
      this.#setState("reconnecting");
    }
    if (answer !== null) {
      const fresh = new SessionLayer(answer.token, this.#resumeLimit, this.#resumeSendWait);
      if (!fresh.attach(socket, answer.received)) {
        socket.close(1000, "session could not start");
        return;
      }
      this.#session = fresh;
    }
    this.#ready = true;
    if (this.#state === "connecting") {
      this.#setState("open");
      this.#resolveOpened();
      return;
    }
    this.#reconnected(socket);
  }

  /** A fresh session (or a plain connection) after a reconnect: subscriptions again, then the hook. */
  async #reconnected(socket) {
    for (const [event, state] of this.#events) {
      this.call("rpc.on", [event]).then((result) => {
        if (!isObject(result) || result[event] !== "ok") {
          console.warn(`duplex.js: subscription to '${event}' not renewed: ${result?.[event]}`);
          if (this.#events.get(event) === state) {
            this.#events.delete(event);
          }
        }
      }, (e) => console.warn(`duplex.js: subscription to '${event}' not renewed`, e));
    }
    try {
      await this.#onReconnect?.(this);
    } catch (e) {
      console.error("duplex.js: onReconnect failed; the attempt counts as failed", e);
      if (socket === this.#socket) {
        socket.close(1000, "reconnect hook failed");
      }
      return;
    }
    if (socket === this.#socket && this.#ready && this.#state === "reconnecting") {
      this.#attempts = 0;
      this.#setState("open");
    }
  }

  #socketClosed(code, reason) {
    clearTimeout(this.#connectTimer);
    const wasReady = this.#ready;
    this.#ready = false;
    this.#greeting = false;
    this.#session?.detach();
    if (this.#closing || this.#state === "closed") {
      this.#finish(code, reason);
      return;
    }
    if (this.#state === "connecting") {
      this.#finish(code, reason);
      return;
    }
    if (wasReady) {
      this.#drop = {code, reason};
    }
    if (this.#state === "open" && wasReady) {
      if (this.#reconnect !== null && this.#session !== null && code === 1006) {
        this.#setState("resuming"); // only a lost socket is resumed; a close frame ends the session
        this.#retry();
        return;
      }
      if (this.#session !== null) {
        this.#session.close(closedError(code, reason));
        this.#session = null;
      }
      if (this.#reconnect === null || !RETRYABLE.has(code)) {
        this.#finish(code, reason);
        return;
      }
      this.#failCalls(code, reason);
      this.#setState("reconnecting");
    }
    this.#retry(); // resuming or reconnecting: the attempt failed, or the hook's socket closed
  }

  /** The next attempt after a full-jitter exponential delay, unless the attempts ran out. */
  #retry() {
    const policy = this.#reconnect;
    if (this.#attempts >= policy.maxAttempts) {
      this.#finish(this.#drop.code, this.#drop.reason);
      return;
    }
    const cap = Math.min(policy.maxDelay, policy.initialDelay * 2 ** Math.min(this.#attempts, 30));
    this.#attempts++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closing || this.#state === "closed") {
        return;
      }
      let socket;
      try {
        socket = this.#reopen();
      } catch (e) {
        this.#retry();
        return;
      }
      this.#socket = socket;
      this.#wire(socket);
    }, Math.random() * cap);
  }

  /** The connection ends for good. */
  #finish(code, reason) {
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const error = closedError(code, reason);
    if (this.#session !== null) {
      this.#session.close(error);
      this.#session = null;
    }
    this.#failPending(code, reason);
    this.#setState("closed");
    this.#rejectOpened(error);
    this.#resolveClosed({code, reason});
  }

  /**
   * Whether the server agreed Duplex RPC's wire extensions at the handshake (it selected the
   * subprotocol `duplex-rpc.1`; docs/wire.md, "Extensions"). False with any other server.
   *
   * @returns {boolean}
   */
  get extensionsAgreed() {
    return this.#socket.protocol === DUPLEX_SUBPROTOCOL;
  }

  /**
   * The number of calls waiting for their response.
   *
   * @returns {number}
   */
  get pendingCalls() {
    return this.#pending.size;
  }

  /**
   * Calls a method of the other end.
   *
   * ```js
   * const sum = await rpc.call("calc.add", [2, 3]);                 // positional params
   * const diff = await rpc.call("calc.sub", {minuend: 5, subtrahend: 3});   // named params
   * try { await rpc.call("slow", [], {timeout: 500}); }
   * catch (e) { if (e.code === -32001) { ... } }                     // timed out
   * ```
   *
   * @param {string} method the method name
   * @param {Array|Object} [params] an array (positional) or a plain object (named); omitted from
   *     the request when undefined
   * @param {object} [options]
   * @param {number} [options.timeout] milliseconds to wait for the response, 0 for no limit; the
   *     connection's `callTimeout` by default
   * @param {{traceparent: string, tracestate?: string}} [options.traceContext] the W3C trace
   *     context to send with the call (top-level `traceparent` / `tracestate` members; docs/wire.md,
   *     "Trace context"); the connection's `traceContext` function by default. Sent only when
   *     {@link Connection#extensionsAgreed}
   * @returns {Promise<*>} resolves with the `result`; rejects with an {@link RpcError}: the other
   *     end's error (`code`, `message`, `data`), -32001 after the timeout, -32002 when the
   *     connection closes first (or was closed), -32006 for a malformed error response
   * @throws {TypeError} if the method is not a string, or the params are neither an array nor a
   *     plain object or cannot be written as JSON
   */
  call(method, params, options = {}) {
    const body = messageBody(method, params);
    const timeout = checkedTimeout(options.timeout ?? this.#callTimeout);
    if (!this.#canSend) {
      return Promise.reject(this.#closedError());
    }
    const id = this.#nextId++;
    const text = stringify({jsonrpc: "2.0", id, ...body, ...this.#trace(options.traceContext)});
    return new Promise((resolve, reject) => {
      this.#register(id, method, timeout, resolve, reject);
      this.#transmit(text, (error) => this.#failCall(id, error));
    });
  }

  /**
   * Calls a method whose result is a stream (docs/streaming.md): an async iterable of its items.
   * Each iteration makes the call; the items come as the credit window allows, `break` (or
   * `return`) cancels the stream at the other end, an error that ends the stream is thrown by the
   * loop as an {@link RpcError}, and the connection's close throws -32002.
   *
   * ```js
   * for await (const tick of rpc.stream("feed.ticks", ["ACME"])) {
   *   if (tick.price > 100) break;          // cancels the stream
   * }
   * ```
   *
   * @param {string} method the method name
   * @param {Array|Object} [params] as for {@link Connection#call}
   * @param {object} [options]
   * @param {number} [options.timeout] for the call until its response names the stream
   * @param {number} [options.window] credit window in items, 256 by default
   * @returns {AsyncIterable<*>} the items
   */
  stream(method, params, options = {}) {
    const window = options.window ?? DEFAULT_STREAM_WINDOW;
    if (!(Number.isInteger(window) && window >= 1)) {
      throw new TypeError(`window must be an integer >= 1: ${window}`);
    }
    messageBody(method, params); // checks them now, not at the first iteration
    return {
      [Symbol.asyncIterator]: () => {
        const reader = new StreamReader(window, (m, p) => this.#notifyIfOpen(m, p));
        this.call(method, params, {timeout: options.timeout}).then((result) => {
          const id = isObject(result) && typeof result.stream === "string" ? result.stream : null;
          if (id === null) {
            reader.fail(new RpcError(ErrorCodes.INVALID_RESPONSE, `Result of '${method}' is not a stream`,
                {result}));
          } else if (!this.#canSend) {
            reader.fail(this.#closedError());
          } else {
            this.#streams.set(id, reader);
            reader.attach(id, () => this.#streams.delete(id));
          }
        }, (error) => reader.fail(error));
        return reader;
      },
    };
  }

  #notifyIfOpen(method, params) {
    if (this.#canSend) {
      this.#transmit(stringify({jsonrpc: "2.0", method, params}));
    }
  }

  /**
   * Starts a batch: calls and notifications that {@link Batch#send} sends together, as one JSON
   * array in one message. The server runs them concurrently and answers with one array; each
   * call's promise settles with its own response, as for {@link Connection#call}.
   *
   * ```js
   * const batch = rpc.batch();
   * const sum = batch.call("calc.add", [1, 2]);
   * const product = batch.call("calc.mul", [3, 4]);
   * batch.notify("calc.reset");
   * batch.send();
   * console.log(await sum, await product);
   * ```
   *
   * @returns {Batch} an empty batch of this connection
   */
  batch() {
    return new Batch((items) => this.#sendBatch(items), this.#callTimeout);
  }

  #sendBatch(items) {
    if (!this.#canSend) {
      const error = this.#closedError();
      items.forEach((item) => item.reject?.(error));
      throw error;
    }
    const messages = [];
    const calls = [];
    for (const item of items) {
      const trace = this.#trace(item.traceContext);
      if (item.reject) {
        const id = this.#nextId++;
        messages.push({jsonrpc: "2.0", id, ...item.body, ...trace});
        calls.push({id, item});
      } else {
        messages.push({jsonrpc: "2.0", ...item.body, ...trace});
      }
    }
    let text;
    try {
      text = stringify(messages);
    } catch (e) {
      calls.forEach(({item}) => item.reject(e));
      throw e;
    }
    for (const {id, item} of calls) {
      this.#register(id, item.body.method, item.timeout, item.resolve, item.reject);
    }
    this.#transmit(text, (error) => calls.forEach(({id}) => this.#failCall(id, error)));
  }

  #register(id, method, timeout, resolve, reject) {
    const pending = {resolve, reject, method, timer: null};
    if (timeout > 0) {
      pending.timer = setTimeout(() => this.#timeOut(id, timeout), timeout);
    }
    this.#pending.set(id, pending);
  }

  #closedError() {
    const info = this.#closeInfo ?? (this.#state === "reconnecting" ? this.#drop : {code: 1006, reason: "not open"});
    return closedError(info.code, info.reason);
  }

  /**
   * The trace context members to add to one outgoing message: the given context, else the
   * connection's `traceContext` function's; none unless the extensions were agreed.
   */
  #trace(given) {
    if (!this.extensionsAgreed) {
      return {};
    }
    const context = given ?? this.#traceContext?.();
    if (context === undefined || context === null) {
      return {};
    }
    const {traceparent, tracestate} = context;
    if (typeof traceparent !== "string" || traceparent.length === 0
        || (tracestate !== undefined && typeof tracestate !== "string")) {
      throw new TypeError("a trace context is {traceparent: string, tracestate?: string}");
    }
    return tracestate ? {traceparent, tracestate} : {traceparent};
  }

  /**
   * Sends a notification: a call without a response.
   *
   * @param {string} method the method name
   * @param {Array|Object} [params] as for {@link Connection#call}
   * @param {object} [options]
   * @param {{traceparent: string, tracestate?: string}} [options.traceContext] as for
   *     {@link Connection#call}
   * @throws {RpcError} -32002 if the connection is not open
   * @throws {TypeError} for a bad method, params or trace context, as {@link Connection#call}
   */
  notify(method, params, options = {}) {
    const body = messageBody(method, params);
    if (!this.#canSend) {
      throw this.#closedError();
    }
    this.#transmit(stringify({jsonrpc: "2.0", ...body, ...this.#trace(options.traceContext)}));
  }

  /**
   * Exposes a function the other end may call (a request or a notification) under a method name.
   * Positional params become its arguments; named params (an object) its one argument; none, no
   * argument. It may return a value or a promise; `undefined` is answered as `null`. A thrown
   * {@link RpcError} (or any object with an integer `code`) is answered with its code, message
   * and data; anything else with -32603 "Internal error", logged to the console. Requests for
   * names not exposed are answered -32601.
   *
   * ```js
   * rpc.expose("confirm", async (question) => window.confirm(question));
   * ```
   *
   * @param {string} name the method name; names starting with `rpc.` are reserved
   * @param {Function|null} fn the function, or null to remove the method
   * @returns {Connection} this connection
   */
  expose(name, fn) {
    if (typeof name !== "string" || name.length === 0) {
      throw new TypeError("a method name is a non-empty string");
    }
    if (name.startsWith("rpc.")) {
      throw new TypeError(`names starting with 'rpc.' are reserved: ${name}`);
    }
    if (fn === null) {
      this.#methods.delete(name);
    } else if (typeof fn === "function") {
      this.#methods.set(name, fn);
    } else {
      throw new TypeError(`not a function: ${fn}`);
    }
    return this;
  }

  /**
   * Subscribes to a server event (`rpc.on`, docs/server.md#events) and runs the handler for
   * every one that arrives. Handlers of one event share one server subscription. An event's
   * payload is the one element of its `params` (an object `params` as is, several elements as
   * the array, none as `null`). A method exposed under the event's name receives the event
   * instead of the handlers.
   *
   * ```js
   * const subscription = await rpc.subscribe("priceChanged", (price) => show(price));
   * ...
   * subscription.close();   // rpc.off once no handler of the event is left
   * ```
   *
   * @param {string} event the event name
   * @param {Function} handler called with each event's payload
   * @returns {Promise<{event: string, active: boolean, close: Function}>} resolves once the
   *     server confirmed; rejects with {@link RpcError} -32602 (`data` maps the event to the
   *     server's status, e.g. `"provided event invalid"`) if it refused, or what a call rejects
   *     with
   */
  async subscribe(event, handler) {
    if (typeof event !== "string" || event.length === 0) {
      throw new TypeError("an event name is a non-empty string");
    }
    if (typeof handler !== "function") {
      throw new TypeError(`not a function: ${handler}`);
    }
    for (;;) {
      let state = this.#events.get(event);
      if (!state) {
        const fresh = {handlers: new Set(), ready: null};
        fresh.ready = this.call("rpc.on", [event]).then((result) => {
          const status = isObject(result) ? result[event] : undefined;
          if (status !== "ok") {
            throw new RpcError(ErrorCodes.INVALID_PARAMS, `Subscription to '${event}' refused: ${status}`,
                {[event]: status === undefined ? null : status});
          }
        });
        fresh.ready.catch(() => {
          if (this.#events.get(event) === fresh) {
            this.#events.delete(event);
          }
        });
        this.#events.set(event, fresh);
        state = fresh;
      }
      await state.ready;
      if (this.#events.get(event) !== state) {
        continue; // unsubscribed meanwhile: subscribe again
      }
      const entry = (payload) => handler(payload);
      state.handlers.add(entry);
      const connection = this;
      return {
        event,
        get active() {
          return state.handlers.has(entry) && connection.#events.get(event) === state;
        },
        close() {
          if (!state.handlers.delete(entry) || state.handlers.size > 0) {
            return;
          }
          if (connection.#events.get(event) === state) {
            connection.#events.delete(event);
            if (connection.#canSend) {
              connection.call("rpc.off", [event]).catch(() => {});
            }
          }
        },
      };
    }
  }

  /**
   * Closes the connection. Pending calls reject at once with -32002 (this close's code and
   * reason); the returned promise resolves when the socket has closed.
   *
   * @param {number} [code=1000] the WebSocket close code: 1000 or 3000 to 4999
   * @param {string} [reason="normal closure"] the close reason
   * @returns {Promise<{code: number, reason: string}>} the {@link Connection#closed} promise
   */
  close(code = 1000, reason = "normal closure") {
    this.#closing = true;
    this.#failPending(code, reason);
    if (this.#ready || this.#greeting) {
      this.#socket.close(code, reason);
    } else if (this.#state !== "closed" && this.#state !== "connecting") { // between sockets
      try {
        this.#socket.close(code, reason);
      } catch (e) {
        // an attempt's socket that closed already
      }
      this.#finish(code, reason);
    } else {
      this.#socket.close(code, reason);
    }
    return this.closed;
  }

  #timeOut(id, timeout) {
    const pending = this.#pending.get(id);
    if (!pending) {
      return;
    }
    this.#pending.delete(id);
    pending.reject(new RpcError(ErrorCodes.TIMEOUT, `No response to '${pending.method}' within ${timeout} ms`));
    if (this.#sendCancel && this.#canSend) {
      this.#transmit(JSON.stringify({jsonrpc: "2.0", method: "rpc.cancel", params: {id}}));
    }
  }

  /** One call fails before its response: a send that found no room in the replay buffer. */
  #failCall(id, error) {
    const pending = this.#pending.get(id);
    if (pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  /** The connection closed: calls and streams fail, subscriptions end. */
  #failPending(code, reason) {
    if (this.#closeInfo === null) {
      this.#closeInfo = {code, reason};
    }
    this.#failCalls(code, reason);
    this.#events.clear();
  }

  /** A socket (and its session, if any) was lost: pending calls and streams fail; subscriptions stay, to renew. */
  #failCalls(code, reason) {
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of calls) {
      clearTimeout(pending.timer);
      pending.reject(closedError(code, reason));
    }
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    streams.forEach((reader) => reader.fail(closedError(code, reason)));
  }

  /**
   * Sends a message: through the session (kept until acknowledged; `onFull(error)` if it finds no
   * room), or straight to the socket; dropped when neither can take it (the other end fails its
   * calls itself).
   */
  #transmit(text, onFull = (error) => console.warn("duplex.js: a message was not sent:", error.message)) {
    if (this.#session !== null) {
      this.#session.send(text, onFull);
    } else if (this.#ready && this.#socket.readyState === OPEN) {
      this.#socket.send(text);
    }
  }

  #send(reply) {
    let text;
    try {
      text = JSON.stringify(reply);
    } catch (e) {
      text = JSON.stringify(Array.isArray(reply)
          ? reply.map((r) => this.#safe(r))
          : this.#safe(reply));
    }
    this.#transmit(text);
  }

  /** A response whose result cannot be written as JSON becomes -32603. */
  #safe(response) {
    try {
      JSON.stringify(response);
      return response;
    } catch (e) {
      console.error("duplex.js: a result cannot be written as JSON", e);
      return {jsonrpc: "2.0", id: response.id,
        error: {code: ErrorCodes.INTERNAL_ERROR, message: "Internal error"}};
    }
  }

  #onMessage(data) {
    if (typeof data !== "string") {
      // The library sends text only; a page may not close with 1003 (only 1000 and 3000-4999).
      console.warn("duplex.js: a binary message was ignored");
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch (e) {
      this.#send({jsonrpc: "2.0", id: null, error: {code: ErrorCodes.PARSE_ERROR, message: "Parse error"}});
      return;
    }
    if (Array.isArray(message)) {
      if (message.length === 0) {
        this.#send(invalid(null));
        return;
      }
      Promise.all(message.map((item) => this.#handle(item))).then((replies) => {
        const answers = replies.filter((r) => r !== undefined);
        if (answers.length > 0) {
          this.#send(answers);
        }
      });
      return;
    }
    this.#handle(message).then((reply) => {
      if (reply !== undefined) {
        this.#send(reply);
      }
    });
  }

  /** Handles one message; resolves with the response to send, or undefined for none. */
  async #handle(message) {
    if (!isObject(message)) {
      return invalid(null);
    }
    if ((has(message, "result") || has(message, "error")) && !has(message, "method")) {
      this.#onResponse(message);
      return undefined;
    }
    if (!has(message, "method") && !has(message, "id") && typeof message.notification === "string") {
      // The rpc-websockets event form: {"notification": name, "params": [...]}.
      if (message.params === undefined || Array.isArray(message.params) || isObject(message.params)) {
        this.#deliver(message.notification, message.params);
      }
      return undefined;
    }
    if (has(message, "id") && !isValidId(message.id)) {
      return invalid(null);
    }
    const id = has(message, "id") ? message.id : null;
    if (message.jsonrpc !== "2.0" || typeof message.method !== "string"
        || (has(message, "params") && !Array.isArray(message.params) && !isObject(message.params))) {
      return invalid(id);
    }
    if (!has(message, "id")) {
      this.#deliver(message.method, message.params);
      return undefined;
    }
    const fn = this.#methods.get(message.method);
    if (!fn) {
      return {jsonrpc: "2.0", id, error: {code: ErrorCodes.METHOD_NOT_FOUND, message: "Method not found"}};
    }
    try {
      const result = await invoke(fn, message.params);
      return {jsonrpc: "2.0", id, result: result === undefined ? null : result};
    } catch (thrown) {
      return {jsonrpc: "2.0", id, error: errorObject(thrown, message.method)};
    }
  }

  /** Runs a notification: an exposed method of that name, else the event's handlers. */
  #deliver(method, params) {
    if ((method === "rpc.stream.next" || method === "rpc.stream.end") && isObject(params)) {
      const reader = this.#streams.get(params.stream);
      if (reader) {
        reader.wire(method === "rpc.stream.end", params);
      }
      return;
    }
    const fn = this.#methods.get(method);
    if (fn) {
      invoke(fn, params).catch((e) => console.error(`duplex.js: the handler of '${method}' failed`, e));
      return;
    }
    const state = this.#events.get(method);
    if (!state) {
      return; // no one listens: dropped, as the Java Peer does
    }
    const payload = eventPayload(params);
    for (const handler of [...state.handlers]) {
      try {
        handler(payload);
      } catch (e) {
        console.error(`duplex.js: a handler of event '${method}' failed`, e);
      }
    }
  }

  #onResponse(message) {
    const id = message.id;
    if (!Number.isInteger(id)) {
      return; // our ids are integers: a string "1" does not match call 1
    }
    const pending = this.#pending.get(id);
    if (!pending) {
      return; // an unknown id, or a call that timed out: dropped
    }
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (has(message, "error")) {
      const error = message.error;
      if (isObject(error) && Number.isInteger(error.code)
          && (error.message === undefined || typeof error.message === "string")) {
        pending.reject(new RpcError(error.code, error.message, error.data));
      } else {
        pending.reject(new RpcError(ErrorCodes.INVALID_RESPONSE, "Malformed error object", {error}));
      }
      return;
    }
    pending.resolve(message.result);
  }
}

/**
 * One stream being consumed, as its async iterator: keeps the producer's credit at most one
 * window ahead of what the loop has taken (granting half a window at a time), queues the items,
 * and hands them to `next()` in order.
 */
class StreamReader {
  #window;
  #send;
  #id = null;
  #forget = null;
  #items = [];
  #granted = 0;
  #end = null; // {error} once the stream ended
  #waiting = null; // {resolve, reject} of a next() waiting for an item
  #done = false;

  constructor(window, send) {
    this.#window = window;
    this.#send = send;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  attach(id, forget) {
    if (this.#done) { // returned before the stream was known: stop it at once
      forget();
      this.#send("rpc.stream.cancel", {stream: id});
      return;
    }
    this.#id = id;
    this.#forget = forget;
    this.#grant();
  }

  wire(end, params) {
    if (end) {
      const error = params.error;
      this.#end = {error: error === undefined ? null
          : isObject(error) && Number.isInteger(error.code)
              ? new RpcError(error.code, error.message, error.data)
              : new RpcError(ErrorCodes.INVALID_RESPONSE, "Malformed error object", {error})};
      this.#forget?.();
    } else if (Array.isArray(params.items)) {
      this.#granted -= params.items.length;
      this.#items.push(...params.items);
    }
    this.#wake();
  }

  fail(error) {
    if (this.#end === null) {
      this.#items = [];
      this.#end = {error};
    }
    this.#wake();
  }

  next() {
    if (this.#done) {
      return Promise.resolve({value: undefined, done: true});
    }
    return new Promise((resolve, reject) => {
      this.#waiting = {resolve, reject};
      this.#wake();
    });
  }

  return() {
    if (!this.#done) {
      this.#done = true;
      if (this.#id !== null && this.#end === null) {
        this.#forget();
        this.#send("rpc.stream.cancel", {stream: this.#id});
      }
      this.#items = [];
    }
    return Promise.resolve({value: undefined, done: true});
  }

  #wake() {
    const w = this.#waiting;
    if (!w) {
      return;
    }
    if (this.#items.length > 0) {
      this.#waiting = null;
      w.resolve({value: this.#items.shift(), done: false});
      this.#grant();
    } else if (this.#end !== null) {
      this.#waiting = null;
      this.#done = true;
      if (this.#end.error) {
        w.reject(this.#end.error);
      } else {
        w.resolve({value: undefined, done: true});
      }
    }
  }

  #grant() {
    if (this.#id === null || this.#end !== null || this.#done) {
      return;
    }
    const free = this.#window - this.#granted - this.#items.length;
    if (free > 0 && (free >= Math.max(1, this.#window >> 1) || (this.#granted === 0 && this.#items.length === 0))) {
      this.#granted += free;
      this.#send("rpc.stream.request", {stream: this.#id, n: free});
    }
  }
}

/** The method and params of a request or notification, checked. */
function messageBody(method, params) {
  if (typeof method !== "string") {
    throw new TypeError(`a method name is a string: ${method}`);
  }
  if (params === undefined) {
    return {method};
  }
  if (!Array.isArray(params) && !(isObject(params) && Object.getPrototypeOf(params) === Object.prototype)) {
    throw new TypeError("params are an array (positional) or a plain object (named)");
  }
  return {method, params};
}

function checkedTimeout(timeout) {
  if (!(Number.isFinite(timeout) && timeout >= 0)) {
    throw new TypeError(`timeout must be a number of milliseconds >= 0: ${timeout}`);
  }
  return timeout;
}

function stringify(message) {
  try {
    return JSON.stringify(message);
  } catch (e) {
    throw new TypeError(`params cannot be written as JSON: ${e.message}`);
  }
}

/**
 * Calls and notifications sent together in one message; made by {@link Connection#batch}. Send
 * it once.
 */
export class Batch {
  #send;
  #callTimeout;
  #items = [];
  #sent = false;

  /**
   * Use {@link Connection#batch} instead.
   *
   * @param {Function} send sends the items
   * @param {number} callTimeout the connection's default timeout
   */
  constructor(send, callTimeout) {
    this.#send = send;
    this.#callTimeout = callTimeout;
  }

  /**
   * Adds a call.
   *
   * @param {string} method the method name
   * @param {Array|Object} [params] as for {@link Connection#call}
   * @param {object} [options]
   * @param {number} [options.timeout] as for {@link Connection#call}, counted from `send()`
   * @param {{traceparent: string, tracestate?: string}} [options.traceContext] as for
   *     {@link Connection#call}
   * @returns {Promise<*>} settles as the promise of {@link Connection#call}
   */
  call(method, params, options = {}) {
    this.#checkNotSent();
    const body = messageBody(method, params);
    const timeout = checkedTimeout(options.timeout ?? this.#callTimeout);
    const traceContext = options.traceContext;
    return new Promise((resolve, reject) => this.#items.push({body, timeout, traceContext, resolve, reject}));
  }

  /**
   * Adds a notification.
   *
   * @param {string} method the method name
   * @param {Array|Object} [params] as for {@link Connection#call}
   * @param {object} [options]
   * @param {{traceparent: string, tracestate?: string}} [options.traceContext] as for
   *     {@link Connection#call}
   * @returns {Batch} this batch
   */
  notify(method, params, options = {}) {
    this.#checkNotSent();
    this.#items.push({body: messageBody(method, params), traceContext: options.traceContext});
    return this;
  }

  /**
   * Sends the batch as one message.
   *
   * @throws {RpcError} -32002 if the connection is not open (its calls reject with the same)
   * @throws {TypeError} if the batch is empty, was sent already, or cannot be written as JSON
   */
  send() {
    this.#checkNotSent();
    if (this.#items.length === 0) {
      throw new TypeError("an empty batch cannot be sent");
    }
    this.#sent = true;
    this.#send(this.#items);
  }

  #checkNotSent() {
    if (this.#sent) {
      throw new TypeError("this batch was sent already");
    }
  }
}

function invalid(id) {
  return {jsonrpc: "2.0", id, error: {code: ErrorCodes.INVALID_REQUEST, message: "Invalid Request"}};
}

/** Calls an exposed function with the params: an array spread, an object as one argument. */
async function invoke(fn, params) {
  if (params === undefined) {
    return fn();
  }
  return Array.isArray(params) ? fn(...params) : fn(params);
}
