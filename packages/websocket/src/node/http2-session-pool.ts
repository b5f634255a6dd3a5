/**
 * `Http2SessionPool`: the HTTP/2 sessions WebSocket-over-HTTP/2 clients share, one per origin, owned by
 * an object the user creates and closes (never a module-level registry). Each session is opened once,
 * waits for the server's SETTINGS, and remembers whether they allow RFC 8441 extended CONNECT.
 */
import * as http2 from "node:http2";
import * as net from "node:net";
import type * as tls from "node:tls";
import { FramedError } from "@framed/core";
import type { Target } from "../adapter/target.ts";

/** One pooled HTTP/2 session and what its server said. */
export interface PooledSession {
  readonly session: http2.ClientHttp2Session;
  /** The server sent `SETTINGS_ENABLE_CONNECT_PROTOCOL = 1` (RFC 8441 §3). */
  readonly connectProtocol: boolean;
  /** WebSocket streams open on it; the session keeps the process alive only while this is above 0. */
  streams: number;
}

/** Options of {@link Http2SessionPool}. */
export interface Http2SessionPoolOptions {
  /** TLS options for `wss:` sessions (`ca`, `rejectUnauthorized`…); a `connect` call's own `tls` wins. */
  tls?: tls.ConnectionOptions;
  /**
   * Megabytes one session may hold in Node's HTTP/2 layer before it refuses new streams and resets with
   * `ENHANCE_YOUR_CALM` (Node's `maxSessionMemory`): what every WebSocket on the session has queued to send
   * counts. Default: Node's, 10.
   */
  maxSessionMemory?: number;
}

/**
 * HTTP/2 sessions for `connect(url, { http2: pool })`, one per origin (scheme, host, port): every
 * WebSocket to that origin becomes one stream of the same TCP+TLS connection. A session that fails or
 * receives GOAWAY leaves the pool, and the next `connect` opens a new one. Idle sessions do not keep the
 * process alive; `close()` ends them all.
 *
 * `connect(url, { http2: true })` without a pool uses a session of its own, closed with its WebSocket.
 *
 * @example
 * ```ts
 * const pool = new Http2SessionPool({ tls: { ca } });
 * const a = await connect("wss://example.com/chat", { http2: pool });
 * const b = await connect("wss://example.com/feed", { http2: pool }); // same TCP connection as `a`
 * await pool.close();
 * ```
 */
export class Http2SessionPool {
  private readonly sessions = new Map<string, Promise<PooledSession>>();

  constructor(private readonly options: Http2SessionPoolOptions = {}) {}

  /** Origins with a session open or opening. */
  get size(): number {
    return this.sessions.size;
  }

  /** The pool's TLS options under a call's own: what the session, and an HTTP/1.1 fallback, connect with. */
  tlsFor(tlsOptions: tls.ConnectionOptions | undefined): tls.ConnectionOptions | undefined {
    return this.options.tls || tlsOptions ? { ...this.options.tls, ...tlsOptions } : undefined;
  }

  /**
   * The session for `target`'s origin, opened if needed; resolves once the server's first SETTINGS
   * arrived. Rejects with `CONNECT_FAILED` (or `TIMEOUT` after `timeout` ms, 0 for none). What `connect`
   * calls for each WebSocket given this pool.
   */
  acquire(target: Target, tlsOptions: tls.ConnectionOptions | undefined, timeout: number): Promise<PooledSession> {
    const key = `${target.secure ? "https" : "http"}://${target.hostname}:${target.port}`;
    let entry = this.sessions.get(key);
    if (entry) return entry;
    entry = openSession(target, this.tlsFor(tlsOptions) ?? {}, timeout, this.options.maxSessionMemory);
    this.sessions.set(key, entry);
    const forget = () => {
      if (this.sessions.get(key) === entry) this.sessions.delete(key);
    };
    entry.then((pooled) => {
      pooled.session.once("close", forget);
      pooled.session.once("goaway", forget);
      // A server without RFC 8441 is asked again next time (it may have been upgraded), not kept open.
      if (!pooled.connectProtocol) forget();
    }, forget);
    return entry;
  }

  /**
   * Close every session: no new WebSockets start on them, those still open go on until they close, and
   * the promise resolves once all have (close or abort them first for a prompt end).
   */
  async close(): Promise<void> {
    const entries = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      entries.map((entry) =>
        entry.then(
          ({ session }) => new Promise<void>((done) => (session.closed ? done() : session.close(() => done()))),
          () => undefined,
        ),
      ),
    );
  }
}

/** Count a WebSocket stream in or out: a session with none must not hold the process open. */
export function trackStream(pooled: PooledSession, delta: 1 | -1): void {
  pooled.streams += delta;
  if (pooled.session.destroyed) return;
  if (pooled.streams > 0) pooled.session.ref();
  else pooled.session.unref();
}

function openSession(
  target: Target,
  tlsOptions: tls.ConnectionOptions,
  timeout: number,
  maxSessionMemory: number | undefined,
): Promise<PooledSession> {
  const host = target.hostname.includes(":") ? `[${target.hostname}]` : target.hostname;
  const origin = `${target.secure ? "https" : "http"}://${host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, {
      ...(target.secure && !net.isIP(target.hostname) ? { servername: target.hostname } : {}),
      ...tlsOptions,
      settings: { enablePush: false },
      ...(maxSessionMemory === undefined ? {} : { maxSessionMemory }),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      session.off("remoteSettings", onSettings);
      session.off("error", onError);
      session.off("close", onClose);
    };
    const fail = (error: FramedError) => {
      cleanup();
      session.on("error", () => {}); // late errors of a session we are discarding
      session.destroy();
      reject(error);
    };
    const onSettings = (settings: http2.Settings) => {
      cleanup();
      // Errors after this belong to the streams (each WebSocket sees its own stream fail).
      session.on("error", () => {});
      const pooled: PooledSession = { session, connectProtocol: settings.enableConnectProtocol === true, streams: 0 };
      session.unref();
      resolve(pooled);
    };
    const onError = (error: Error) =>
      fail(
        new FramedError("CONNECT_FAILED", `HTTP/2 connection to ${origin} failed: ${error.message}`, { cause: error }),
      );
    const onClose = () => fail(new FramedError("CONNECT_FAILED", `${origin} closed the HTTP/2 connection at once`));
    session.on("remoteSettings", onSettings);
    session.on("error", onError);
    session.on("close", onClose);
    if (timeout > 0) {
      timer = setTimeout(
        () => fail(new FramedError("TIMEOUT", `no HTTP/2 SETTINGS from ${origin} within ${timeout} ms`)),
        timeout,
      );
    }
  });
}
