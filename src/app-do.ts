/**
 * AppDO: the Durable Object for one app, its single writer. A thin shell: it runs the
 * migrations, accepts hibernatable WebSockets and SSE streams, and hands every frame,
 * close and RPC to the pure core, then does the I/O the core's Outcome asks for.
 */
import { DurableObject } from "cloudflare:workers";
import type { ApiCall, ApiReply } from "./api/api-call";
import type { ApiServices } from "./api/api-result";
import { type AdminSubscribeCall, openAdminSubscription } from "./api/admin-subscribe";
import { handleApiCall } from "./api/dispatch";
import { type AppRecord, readApp } from "./apps/app-record";
import { emailSenderFromEnv, lazyEmailSender } from "./auth/email";
import { cryptoRandomBytes } from "./auth/random";
import type { Env } from "./env";
import { InstantError, UNEXPECTED_ERROR_MESSAGE } from "./protocol/errors";
import type { ServerMessage } from "./protocol/server-messages";
import { type AppContext, createAppContext, type Delivery, type Outcome } from "./core/app-context";
import { handleFrame } from "./session/handle-frame";
import { endSession, wakeUp } from "./core/lifecycle";
import { newSessionState, restoreSessionState, type SessionState } from "./core/session-state";
import { doSql } from "./store/do-sql";
import { migrate } from "./store/migrations";
import type { Sql } from "./store/sql";
import { STREAM_ID_HEADER } from "./http/context";
import type { SessionSink } from "./transport/session-sink";
import { socketSink } from "./transport/socket-sink";
import { openSseStream, type SseStream } from "./transport/sse-stream";
import { parseSsePush, type SsePush, sseInitFrame, sseTokenHash } from "./transport/sse-push";

type LiveSession = { state: SessionState; sink: SessionSink; sseTokenHash?: string };

/** Close codes a peer reports but no endpoint may send (RFC 6455 §7.4.1). */
const RESERVED_CLOSE_CODES: ReadonlySet<number> = new Set([1005, 1006, 1015]);

export class AppDO extends DurableObject<Env> {
  private readonly sql: Sql;
  private core!: AppContext;
  private readonly sessions = new Map<string, LiveSession>();
  /** Streams the Worker relays, by the id it gave them: how to end each one. */
  private readonly streams = new Map<string, () => void>();
  private appRow: AppRecord | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = doSql(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      migrate(this.sql);
      this.boot();
    });
  }

  /** Builds the in-memory view after construction or a wake from hibernation. */
  private boot(): void {
    for (const ws of this.ctx.getWebSockets()) {
      const state = restoreSessionState(ws.deserializeAttachment());
      if (state) this.sessions.set(state.sessionId, { state, sink: socketSink(ws) });
      else ws.close(1011, "session state lost");
    }
    this.core = createAppContext(this.sql, {
      app: () => (this.appRow === undefined ? (this.appRow = readApp(this.sql)) : this.appRow),
      session: (id) => this.sessions.get(id)?.state,
      sessions: () => [...this.sessions.values()].map((s) => s.state),
      now: () => Date.now(),
      newId: () => crypto.randomUUID(),
    });
    this.deliver(wakeUp(this.core, new Set(this.sessions.keys())));
  }

  override async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/runtime/sse" && request.method === "GET") return this.openSse(request);
    if (path === "/runtime/sse" && request.method === "POST") return this.pushSse(request);
    if (path === "/admin/subscribe-query" && request.method === "POST") return this.openAdminSubscription(request);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    const state = newSessionState(crypto.randomUUID());
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(state);
    this.sessions.set(state.sessionId, { state, sink: socketSink(pair[1]) });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const session = this.sessionOf(ws);
    if (!session) return;
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    this.apply(session, handleFrame(this.core, session.state, text));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    const state = restoreSessionState(ws.deserializeAttachment());
    if (state) this.endSession(state.sessionId);
    try {
      // Answer the close, or the client's socket stays CLOSING. A close without a status
      // (what browsers and the Instant client send: 1005) may not be echoed as such.
      if (RESERVED_CLOSE_CODES.has(code)) ws.close();
      else ws.close(code, reason);
    } catch {
      // Already closed: nothing to answer.
    }
  }

  override webSocketError(ws: WebSocket): void {
    const state = restoreSessionState(ws.deserializeAttachment());
    if (state) this.endSession(state.sessionId);
  }

  /** GET /runtime/sse: a new session whose frames flow down an event stream. */
  private openSse(request: Request): Response {
    const state = newSessionState(crypto.randomUUID());
    const token = crypto.randomUUID();
    const stream = this.stream(request, state.sessionId, sseInitFrame(state.sessionId, token));
    this.sessions.set(state.sessionId, { state, sink: stream.sink, sseTokenHash: sseTokenHash(token) });
    return stream.response;
  }

  /** An event stream for a session; its end (however noticed) ends the session. */
  private stream(request: Request, sessionId: string, initFrame: ServerMessage): SseStream {
    const streamId = request.headers.get(STREAM_ID_HEADER);
    const stream = openSseStream(initFrame, () => {
      if (streamId) this.streams.delete(streamId);
      this.endSession(sessionId);
    });
    if (streamId) this.streams.set(streamId, stream.close);
    return stream;
  }

  /**
   * RPC from the Worker: the client of a relayed stream went away (its request signal
   * aborted). Ends that session now, as a socket close would.
   */
  streamClosed(streamId: string): void {
    this.streams.get(streamId)?.();
  }

  /** POST /admin/subscribe-query: an admin SDK's live query, streamed as object trees. */
  private async openAdminSubscription(request: Request): Promise<Response> {
    const call = (await request.json()) as AdminSubscribeCall; // built by our own Worker
    const sessionId = crypto.randomUUID();
    let opened: ReturnType<typeof openAdminSubscription>;
    try {
      opened = openAdminSubscription(this.core, call, sessionId);
    } catch (err) {
      if (err instanceof InstantError) return Response.json(err.toBody(), { status: err.status });
      throw err;
    }
    // The SDK reads no token: its stream takes no pushes.
    const stream = this.stream(request, sessionId, sseInitFrame(sessionId, crypto.randomUUID()));
    this.sessions.set(sessionId, { state: opened.session, sink: stream.sink });
    stream.sink.send(opened.first);
    return stream.response;
  }

  /** POST /runtime/sse: the client's messages for an SSE session, handled in order. */
  private async pushSse(request: Request): Promise<Response> {
    const push: SsePush | InstantError = parseSsePush(await request.json().catch(() => null));
    if (push instanceof InstantError) return Response.json(push.toBody(), { status: push.status });
    const session = this.sessions.get(push.sessionId);
    if (!session || session.sseTokenHash !== sseTokenHash(push.sseToken)) {
      return Response.json({ type: "record-not-found", message: "Record not found: sse-session" }, { status: 400 });
    }
    for (const message of push.messages) this.apply(session, handleFrame(this.core, session.state, JSON.stringify(message)));
    return Response.json({});
  }

  /**
   * The one RPC method (src/api/api-call.ts): every HTTP API call, parsed by the Worker.
   * The core answers; the shell delivers the refreshes it caused and arms the expiry
   * alarm of a new ephemeral app.
   */
  async call(call: ApiCall): Promise<ApiReply> {
    try {
      const result = await handleApiCall(this.core, call, this.services());
      this.deliver(result.deliveries ?? []);
      // Calls may write the app row (creation, settings): read it afresh next time.
      this.appRow = undefined;
      if (result.restart) this.restartSoon();
      if (call.request.op === "create-app") {
        const expiresAt = this.core.app()?.expiresAt;
        if (expiresAt) await this.ctx.storage.setAlarm(expiresAt);
      }
      return { status: 200, body: JSON.stringify(result.body) };
    } catch (err) {
      if (err instanceof InstantError) return { status: err.status, body: JSON.stringify(err.toBody()) };
      console.error("api call failed", call.request.op, err);
      return { status: 500, body: JSON.stringify({ message: UNEXPECTED_ERROR_MESSAGE }) };
    }
  }

  private services(): ApiServices {
    return { email: lazyEmailSender(() => emailSenderFromEnv(this.env)), randomBytes: cryptoRandomBytes, pitr: this.ctx.storage };
  }

  /**
   * After a restore was scheduled: every client is told to reconnect (1012, service
   * restart), then the object restarts on the restored database once this reply is out.
   */
  private restartSoon(): void {
    for (const ws of this.ctx.getWebSockets()) ws.close(1012, "app restored");
    setTimeout(() => this.ctx.abort("app restored to a bookmark"), 0);
  }

  /** An ephemeral app's expiry: its sessions end and all its data is deleted. */
  override async alarm(): Promise<void> {
    const app = readApp(this.sql);
    if (!app?.expiresAt) return;
    if (Date.now() < app.expiresAt) {
      await this.ctx.storage.setAlarm(app.expiresAt);
      return;
    }
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, "app expired");
    this.sessions.clear();
    await this.ctx.storage.deleteAll();
    // Back to the state of an id that was never created: unknown to init, no tables.
    this.appRow = undefined;
    migrate(this.sql);
    this.boot();
  }

  private sessionOf(ws: WebSocket): LiveSession | undefined {
    const state = restoreSessionState(ws.deserializeAttachment());
    if (!state) return undefined;
    let live = this.sessions.get(state.sessionId);
    if (!live) this.sessions.set(state.sessionId, (live = { state, sink: socketSink(ws) }));
    return live;
  }

  private endSession(sessionId: string): void {
    if (!this.sessions.delete(sessionId)) return;
    this.deliver(endSession(this.core, sessionId));
  }

  private apply(session: LiveSession, out: Outcome): void {
    if (out.session !== session.state) {
      session.state = out.session;
      session.sink.save(out.session);
    }
    for (const reply of out.replies) session.sink.send(reply);
    this.deliver(out.deliveries);
  }

  private deliver(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) this.sessions.get(d.sessionId)?.sink.send(d.message);
  }
}
