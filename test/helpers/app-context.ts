/**
 * A whole app's core wired up under Node (node:sqlite), as the Durable Object shell
 * wires it in workerd: for session and fan-out tests that need no runtime.
 */
import { createApp } from "../../src/apps/create-app";
import { readApp } from "../../src/apps/app-record";
import { createAppContext } from "../../src/core/app-context";
import { handleFrame } from "../../src/session/handle-frame";
import { newSessionState, type SessionState } from "../../src/core/session-state";
import type { ServerMessage } from "../../src/protocol/server-messages";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";

export const TEST_APP_ID = "6f0e8b7a-2c1d-4e3f-9a8b-7c6d5e4f3a2b";
export const TEST_ADMIN_TOKEN = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

/** An app plus sessions; `send` runs a frame and returns what each session received. */
export function testApp(schema: unknown = null, rules: unknown = null) {
  const sql = openNodeSql();
  migrate(sql);
  let clock = 1_700_000_000_000;
  const sessions = new Map<string, SessionState>();
  const ctx = createAppContext(sql, {
    app: () => readApp(sql),
    session: (id) => sessions.get(id),
    sessions: () => sessions.values(),
    now: () => ++clock,
    newId: () => crypto.randomUUID(),
  });
  const attrs = ctx.attrs;
  createApp(
    sql,
    attrs,
    { id: TEST_APP_ID, title: "test", adminToken: TEST_ADMIN_TOKEN, ephemeral: true, schema: schema as never, rules: rules as never },
    clock,
    () => crypto.randomUUID(),
  );

  const inbox = new Map<string, ServerMessage[]>();
  const open = (): string => {
    const s = newSessionState(crypto.randomUUID());
    sessions.set(s.sessionId, s);
    inbox.set(s.sessionId, []);
    return s.sessionId;
  };
  /** Runs one frame for a session; returns the frames every session got from it. */
  const send = (sessionId: string, frame: unknown) => {
    const out = handleFrame(ctx, sessions.get(sessionId)!, JSON.stringify(frame));
    sessions.set(sessionId, out.session);
    const got = new Map<string, ServerMessage[]>([[sessionId, [...out.replies]]]);
    const push = (id: string, m: ServerMessage) => got.set(id, [...(got.get(id) ?? []), m]);
    for (const d of out.deliveries) push(d.sessionId, d.message);
    for (const [id, msgs] of got) inbox.get(id)?.push(...msgs);
    return got;
  };
  const init = (sessionId: string, extra: Record<string, unknown> = {}) =>
    send(sessionId, { op: "init", "client-event-id": "init", "app-id": TEST_APP_ID, versions: { "@instantdb/core": "v1.0.67" }, ...extra });
  const session = (sessionId: string): SessionState => sessions.get(sessionId)!;
  return { ctx, sql, attrs, open, send, init, inbox, session };
}
