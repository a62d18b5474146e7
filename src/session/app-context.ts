/**
 * Everything a session handler may touch for one app, injected by the Durable Object
 * shell (or a test): storage, attrs, subscriptions, presence, the app row, time and ids.
 */
import type { AppRecord } from "../apps/app-record";
import type { ChangeSet } from "../model/change-set";
import { PresenceStore } from "../presence";
import type { ServerMessage } from "../protocol/server-messages";
import { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import type { SessionState } from "./session-state";
import { QueryCache } from "./query-cache";
import { SubscriptionStore } from "./subscription-store";

export type AppContext = {
  readonly sql: Sql;
  readonly attrs: AttrRegistry;
  readonly subscriptions: SubscriptionStore;
  readonly presence: PresenceStore;
  /** Query results valid until the next commit, shared across sessions. */
  readonly queryCache: QueryCache;
  /** The app row, or null when this app id was never created. */
  readonly app: () => AppRecord | null;
  /** Live sessions by id (for presence recipients' client versions). */
  readonly session: (sessionId: string) => SessionState | undefined;
  readonly now: () => number;
  readonly newId: () => string;
};

/** What the host (the DO shell, a test, the bench) supplies; the stores are built here. */
export type AppHost = Pick<AppContext, "app" | "session" | "now" | "newId">;

/** Wires an app's core over its database; attrs are read from SQLite here. */
export function createAppContext(sql: Sql, host: AppHost): AppContext {
  return {
    sql,
    attrs: new AttrRegistry(sql),
    subscriptions: new SubscriptionStore(sql),
    presence: new PresenceStore(sql),
    queryCache: new QueryCache(),
    ...host,
  };
}

/** A message for another session of the same app. */
export type Delivery = { readonly sessionId: string; readonly message: ServerMessage };

/** A committed transaction, for the fan-out of refreshes. */
export type Commit = { readonly txId: number; readonly changes: ChangeSet };

/** What handling one frame produced; the shell does the I/O. */
export type Outcome = {
  /** Frames for the acting session, in order. */
  readonly replies: ServerMessage[];
  /** The session's state after the frame (a new object when it changed). */
  readonly session: SessionState;
  readonly deliveries: Delivery[];
  readonly commit: Commit | null;
};

export const outcome = (session: SessionState, replies: ServerMessage[] = [], extra: Partial<Outcome> = {}): Outcome => ({
  replies,
  session,
  deliveries: [],
  commit: null,
  ...extra,
});
