/**
 * Everything the core may touch for one app, injected by the Durable Object shell (or a
 * test, or the bench): storage, attrs, subscriptions, presence, the app row, the live
 * sessions, the permission hooks, time and ids. The shell builds one per wake.
 */
import type { AppRecord } from "../apps/app-record";
import type { ServerMessage } from "../protocol/server-messages";
import { PresenceStore } from "../presence";
import { rulesCache } from "../permissions/app-permissions";
import { txAuthorizer } from "../permissions/authorize-tx";
import { rulesVisibility } from "../permissions/visibility";
import type { VisibilityFilter } from "../query";
import { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import type { TxAuthorizer } from "../tx";
import { QueryCache } from "./query-cache";
import type { SessionState } from "./session-state";
import { SubscriptionStore } from "./subscription-store";

/** The two places permission rules plug in (docs/architecture.md, "Auth context"). */
export type PermissionHooks = {
  readonly visibility?: VisibilityFilter;
  readonly authorize?: TxAuthorizer;
};

export type AppContext = {
  readonly sql: Sql;
  readonly attrs: AttrRegistry;
  readonly subscriptions: SubscriptionStore;
  readonly presence: PresenceStore;
  /** Query results valid until the next commit, shared by sessions of one auth context. */
  readonly queryCache: QueryCache;
  readonly permissions: PermissionHooks;
  /** The app row, or null when this app id was never created. */
  readonly app: () => AppRecord | null;
  /** A live session by id (presence recipients' client versions). */
  readonly session: (sessionId: string) => SessionState | undefined;
  /** Every live session, for the refreshes after a commit. */
  readonly sessions: () => Iterable<SessionState>;
  readonly now: () => number;
  readonly newId: () => string;
};

/** What the host (the DO shell, a test, the bench) supplies; the stores are built here. */
export type AppHost = Pick<AppContext, "app" | "session" | "sessions" | "now" | "newId"> & {
  readonly permissions?: PermissionHooks;
};

/**
 * Wires an app's core over its database; attrs are read from SQLite here. Without
 * hooks from the host, writes are authorized by the app's rules (admins bypass them).
 */
export function createAppContext(sql: Sql, host: AppHost): AppContext {
  // One compilation per rules document, shared by reads and writes.
  const rules = rulesCache();
  const compiledRules = () => rules(host.app()?.rules ?? null);
  return {
    sql,
    attrs: new AttrRegistry(sql),
    subscriptions: new SubscriptionStore(sql),
    presence: new PresenceStore(sql),
    queryCache: new QueryCache(),
    ...host,
    // Reads see and writes do what the app's rules allow (docs/protocol.md §9.3, §9.4).
    permissions: host.permissions ?? {
      visibility: rulesVisibility(compiledRules, host.now),
      authorize: txAuthorizer(compiledRules),
    },
  };
}

/** A message for one session of the app (the acting one or another). */
export type Delivery = { readonly sessionId: string; readonly message: ServerMessage };

/** What handling one frame produced; the shell does the I/O. */
export type Outcome = {
  /** Frames for the acting session, in order, sent before any delivery. */
  readonly replies: ServerMessage[];
  /** The session's state after the frame (a new object when it changed). */
  readonly session: SessionState;
  /** Frames for sessions (the acting one included): refreshes, presence, broadcasts. */
  readonly deliveries: readonly Delivery[];
};

export const outcome = (session: SessionState, replies: ServerMessage[] = [], deliveries: readonly Delivery[] = []): Outcome => ({
  replies,
  session,
  deliveries,
});
