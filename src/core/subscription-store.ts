/**
 * Each session's subscribed queries, persisted in SQLite (so they survive hibernation)
 * and mirrored in memory, loaded lazily on first use after a wake. A subscription keeps
 * the hash of the last result sent (to skip unchanged refreshes) and what its evaluation
 * read (its invalidation dependencies, invalidate/read-deps.ts).
 */
import { type StoredDeps, parseStoredDeps } from "../query/read-deps";
import type { JsonValue } from "../model/triple";
import type { Sql } from "../store/sql";

export type Subscription = {
  readonly sessionId: string;
  /** Canonical JSON of q: the identity of the subscription. */
  readonly qKey: string;
  readonly q: JsonValue;
  readonly resultHash: string;
  readonly deps: StoredDeps;
};

type Row = { session_id: string; q_key: string; q_json: string; result_hash: string; deps: string };

export class SubscriptionStore {
  private bySession: Map<string, Map<string, Subscription>> | null = null;

  constructor(private readonly sql: Sql) {}

  private loaded(): Map<string, Map<string, Subscription>> {
    if (this.bySession) return this.bySession;
    const map = new Map<string, Map<string, Subscription>>();
    for (const r of this.sql.all<Row>(`SELECT session_id, q_key, q_json, result_hash, deps FROM subscriptions`)) {
      const sub: Subscription = {
        sessionId: r.session_id,
        qKey: r.q_key,
        q: JSON.parse(r.q_json) as JsonValue,
        resultHash: r.result_hash,
        deps: parseStoredDeps(r.deps),
      };
      let inner = map.get(sub.sessionId);
      if (!inner) map.set(sub.sessionId, (inner = new Map()));
      inner.set(sub.qKey, sub);
    }
    this.bySession = map;
    return map;
  }

  get(sessionId: string, qKey: string): Subscription | undefined {
    return this.loaded().get(sessionId)?.get(qKey);
  }

  count(sessionId: string): number {
    return this.loaded().get(sessionId)?.size ?? 0;
  }

  /** Every session id that holds at least one subscription. */
  sessionIds(): string[] {
    return [...this.loaded().keys()];
  }

  ofSession(sessionId: string): Subscription[] {
    return [...(this.loaded().get(sessionId)?.values() ?? [])];
  }

  put(sub: Subscription): void {
    this.sql.run(
      `INSERT OR REPLACE INTO subscriptions (session_id, q_key, q_json, result_hash, deps) VALUES (?, ?, ?, ?, ?)`,
      sub.sessionId,
      sub.qKey,
      JSON.stringify(sub.q),
      sub.resultHash,
      JSON.stringify(sub.deps),
    );
    const map = this.loaded();
    let inner = map.get(sub.sessionId);
    if (!inner) map.set(sub.sessionId, (inner = new Map()));
    inner.set(sub.qKey, sub);
  }

  remove(sessionId: string, qKey: string): void {
    this.sql.run(`DELETE FROM subscriptions WHERE session_id = ? AND q_key = ?`, sessionId, qKey);
    this.loaded().get(sessionId)?.delete(qKey);
  }

  removeSession(sessionId: string): void {
    this.sql.run(`DELETE FROM subscriptions WHERE session_id = ?`, sessionId);
    this.loaded().delete(sessionId);
  }

  /** Drops every subscription whose session is not in `live` (sockets gone while we slept). */
  retainSessions(live: ReadonlySet<string>): void {
    const stale = this.sql
      .all<{ session_id: string }>(`SELECT DISTINCT session_id FROM subscriptions`)
      .map((r) => r.session_id)
      .filter((id) => !live.has(id));
    for (const id of stale) this.removeSession(id);
  }
}
