/**
 * The whole HTTP API under plain Node, without workerd: the real Worker (src/worker.ts,
 * its sub-apps, CORS, `notFound` and `onError` exactly as deployed) answering
 * `app.request(url, init, env)`, with an `env.APP` fake standing in for the Durable
 * Object namespace.
 *
 * Faithfulness, and its limits:
 * - src/worker.ts is imported for real. Its only Node blocker is the chain
 *   src/worker.ts → src/app-do.ts → `cloudflare:workers` (the `DurableObject` base
 *   class); `vi.doMock` replaces that module with an empty class before the import. The
 *   AppDO class is therefore defined but never instantiated here.
 * - The stub's `call(call)` is a copy of `AppDO.call`: the same `handleApiCall` on an
 *   AppContext built by `createAppContext` over a migrated node:sqlite database (one per
 *   app id, created on first use as an object's storage is), the same
 *   `{status, body}` mapping (InstantError → its status and `toBody()`, anything else →
 *   500 with Instant's generic message). The call is `structuredClone`d first, as Durable
 *   Object RPC serializes it. Deliveries go to the harness's sessions and are recorded.
 * - What AppDO does that this does not: the expiry alarm of ephemeral apps, WebSockets,
 *   SSE streams (`stub.fetch` throws, so those routes answer 500 here), hibernation.
 * - Services are fakes: an EmailSender that records every message (or fails on demand)
 *   and seeded `randomBytes`; time is a manual clock (`advance`), ids a counter.
 */
import { vi } from "vitest";
import type { Hono } from "hono";
import type { ApiCall, ApiReply } from "../../src/api/api-call";
import type { ApiServices } from "../../src/api/api-result";
import { handleApiCall } from "../../src/api/dispatch";
import { readApp } from "../../src/apps/app-record";
import type { EmailMessage, EmailSender } from "../../src/auth/email";
import type { RandomBytes } from "../../src/auth/random";
import { type AppContext, createAppContext, type Delivery } from "../../src/core/app-context";
import { newSessionState, type SessionState } from "../../src/core/session-state";
import type { Env } from "../../src/env";
import type { HttpEnv } from "../../src/http/context";
import { InstantError, UNEXPECTED_ERROR_MESSAGE } from "../../src/protocol/errors";
import type { ServerMessage } from "../../src/protocol/server-messages";
import { handleFrame } from "../../src/session/handle-frame";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import type { Sql } from "../../src/store/sql";

export const T0 = 1_700_000_000_000;

/** Seeded pseudo-random bytes (mulberry32): deterministic secrets. */
export function seededRandomBytes(seed = 7): RandomBytes {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
  return (n) => Uint8Array.from({ length: n }, next);
}

let workerApp: Promise<Hono<HttpEnv>> | undefined;

/** The deployed Hono app (src/worker.ts's default export), loaded once per test file. */
export function loadWorkerApp(): Promise<Hono<HttpEnv>> {
  workerApp ??= (async () => {
    vi.doMock("cloudflare:workers", () => ({ DurableObject: class DurableObject {} }));
    return (await import("../../src/worker")).default as Hono<HttpEnv>;
  })();
  return workerApp;
}

/** One app's object: its database, its core, and the sessions a test opened on it. */
export type AppObject = {
  readonly name: string;
  readonly sql: Sql;
  readonly ctx: AppContext;
  readonly sessions: Map<string, SessionState>;
  /** Every frame each session received, replies and deliveries, in order. */
  readonly inbox: Map<string, ServerMessage[]>;
  /** A new (not yet inited) session on this app. */
  openSession(): string;
  /** Runs one client frame for a session, as AppDO.webSocketMessage does; returns its replies. */
  send(sessionId: string, frame: unknown): ServerMessage[];
};

export type HarnessOptions = {
  /** Extra Worker vars (ALLOW_EPHEMERAL_APPS, OPERATOR_SECRET, ...). */
  readonly env?: Partial<Omit<Env, "APP">>;
  readonly seed?: number;
};

export type JsonReply = { readonly status: number; readonly body: any; readonly headers: Headers; readonly text: string };

export type RequestOptions = {
  readonly headers?: Record<string, string>;
  /** JSON-encoded unless `raw` is given. */
  readonly body?: unknown;
  /** Sent as-is (e.g. invalid JSON). */
  readonly raw?: string;
};

export async function httpHarness(opts: HarnessOptions = {}) {
  const app = await loadWorkerApp();
  let clock = T0;
  let ids = 0;
  const now = () => clock;
  // Not the 00000000-… range: system attrs have those ids (src/model/system-attrs.ts).
  const newId = () => `0e0e0e0e-0000-4000-8000-${(++ids).toString(16).padStart(12, "0")}`;

  const emails: EmailMessage[] = [];
  let emailFailure: Error | null = null;
  const email: EmailSender = {
    async send(m) {
      if (emailFailure) throw emailFailure;
      emails.push(m);
    },
  };
  const services: ApiServices = { email, randomBytes: seededRandomBytes(opts.seed) };

  /** Every ApiCall the Worker sent, as the object received it. */
  const calls: ApiCall[] = [];
  /** Every delivery a call produced, with the app it was for. */
  const deliveries: (Delivery & { readonly app: string })[] = [];
  /** Unexpected (non-Instant) errors the object answered with a 500. */
  const unexpected: unknown[] = [];

  const objects = new Map<string, AppObject>();

  function object(name: string): AppObject {
    let o = objects.get(name);
    if (o) return o;
    const sql = openNodeSql();
    migrate(sql);
    const sessions = new Map<string, SessionState>();
    const inbox = new Map<string, ServerMessage[]>();
    const ctx = createAppContext(sql, {
      app: () => readApp(sql),
      session: (id) => sessions.get(id),
      sessions: () => sessions.values(),
      now,
      newId,
    });
    const deliver = (ds: readonly Delivery[]) => {
      for (const d of ds) if (sessions.has(d.sessionId)) inbox.get(d.sessionId)!.push(d.message);
    };
    o = {
      name,
      sql,
      ctx,
      sessions,
      inbox,
      openSession() {
        const s = newSessionState(newId());
        sessions.set(s.sessionId, s);
        inbox.set(s.sessionId, []);
        return s.sessionId;
      },
      send(sessionId, frame) {
        const out = handleFrame(ctx, sessions.get(sessionId)!, JSON.stringify(frame));
        sessions.set(sessionId, out.session);
        inbox.get(sessionId)!.push(...out.replies);
        deliver(out.deliveries);
        return out.replies;
      },
    };
    objects.set(name, o);
    // AppDO.call, minus the alarm: see the file comment.
    stubs.set(name, {
      async call(rpc: ApiCall): Promise<ApiReply> {
        const received = structuredClone(rpc);
        calls.push(received);
        try {
          const result = await handleApiCall(ctx, received, services);
          for (const d of result.deliveries ?? []) deliveries.push({ ...d, app: name });
          deliver(result.deliveries ?? []);
          return { status: 200, body: JSON.stringify(result.body) };
        } catch (err) {
          if (err instanceof InstantError) return { status: err.status, body: JSON.stringify(err.toBody()) };
          unexpected.push(err);
          return { status: 500, body: JSON.stringify({ message: UNEXPECTED_ERROR_MESSAGE }) };
        }
      },
      fetch(): Promise<Response> {
        throw new Error("stub.fetch (WebSockets, SSE) is not available in the Node HTTP harness");
      },
    });
    return o;
  }

  const stubs = new Map<string, object>();
  const APP = {
    idFromName: (name: string) => ({ name, toString: () => name }),
    get: (id: { name: string }) => {
      object(id.name);
      return stubs.get(id.name)!;
    },
  };
  const env = { ...opts.env, APP } as unknown as Env;

  async function request(method: string, path: string, o: RequestOptions = {}): Promise<JsonReply> {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await app.request(`http://gateway.test${path}`, { method, headers, body }, env);
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: tests that care read `text`.
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  /** An ephemeral app made through POST /dash/apps/ephemeral; rules are `rules.code`. */
  async function createApp(o: { title?: string; schema?: unknown; rules?: unknown } = {}) {
    const body: Record<string, unknown> = { title: o.title ?? "test app" };
    if (o.schema !== undefined) body.schema = o.schema;
    if (o.rules !== undefined) body.rules = { code: o.rules };
    const res = await request("POST", "/dash/apps/ephemeral", { body });
    if (res.status !== 200) throw new Error(`createApp failed: ${res.status} ${res.text}`);
    const id: string = res.body.app.id;
    const adminToken: string = res.body.app["admin-token"];
    return { id, adminToken, object: object(id), admin: { "app-id": id, authorization: `Bearer ${adminToken}` } };
  }

  return {
    app,
    env,
    request,
    post: (path: string, body?: unknown, headers?: Record<string, string>) => request("POST", path, { body, headers }),
    get: (path: string, headers?: Record<string, string>) => request("GET", path, { headers }),
    del: (path: string, headers?: Record<string, string>) => request("DELETE", path, { headers }),
    createApp,
    /** The object of an app id (created empty, like an unknown id's object, if need be). */
    object: (appId: string) => object(appId.toLowerCase()),
    emails,
    /** Makes every later email fail with `err` (null: deliver again). */
    failEmails: (err: Error | null) => {
      emailFailure = err;
    },
    calls,
    deliveries,
    unexpected,
    now,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

export type HttpHarness = Awaited<ReturnType<typeof httpHarness>>;

/** The 6-digit code in a magic-code email. */
export function codeIn(m: EmailMessage): string {
  const match = m.text.match(/\b\d{6}\b/);
  if (!match) throw new Error(`no code in email: ${m.text}`);
  return match[0];
}

/** Every string stored in the auth tables of an app's database. */
export function authTableStrings(sql: Sql): string[] {
  const tables = sql
    .all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'auth_%'`)
    .map((r) => r.name);
  return tables.flatMap((t) => sql.all(`SELECT * FROM "${t}"`).flatMap((row) => Object.values(row).filter((v): v is string => typeof v === "string")));
}

/** Every string stored anywhere in an app's database. */
export function allStrings(sql: Sql): string[] {
  const tables = sql.all<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`).map((r) => r.name);
  return tables.flatMap((t) => sql.all(`SELECT * FROM "${t}"`).flatMap((row) => Object.values(row).filter((v): v is string => typeof v === "string")));
}
