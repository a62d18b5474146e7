/**
 * The one commit pipeline (docs/architecture.md, "Auth context and the commit
 * pipeline"). Every write, whatever its source — a socket `transact`, an admin
 * `transact`, a sign-up creating a `$users` row, an import — comes here as parsed tx
 * steps with the auth context of whoever writes. The pipeline checks the app's status,
 * applies the steps atomically (the permissions hook authorizes inside the SQL
 * transaction), drops every cached query result, and returns the refreshes every live
 * session must get. Callers only send what it returns.
 */
import type { AuthContext } from "../model/auth-context";
import type { ChangeSet } from "../model/change-set";
import { InstantError } from "../protocol/errors";
import { transact, type TxAuthorizer, type TxStep } from "../tx";
import type { AppContext, Delivery } from "./app-context";
import { refreshesAfterCommit } from "./refresh";

export type CommitResult = {
  readonly txId: number;
  readonly changes: ChangeSet;
  /** `refresh-ok` frames for every session whose subscribed results changed. */
  readonly deliveries: readonly Delivery[];
};

/** `authorize` replaces the app's hook for this write (the admin perms-check route's recorder). */
export function commit(ctx: AppContext, auth: AuthContext, steps: TxStep[], authorize: TxAuthorizer | undefined = ctx.permissions.authorize): CommitResult {
  assertWritable(ctx);
  const { txId, changes } = transact(
    { sql: ctx.sql, attrs: ctx.attrs, now: ctx.now, newId: ctx.newId, auth, authorize },
    steps,
  );
  return { txId, changes, deliveries: refreshesAfterCommit(ctx, { txId, changes }) };
}

/** Read-only and disabled apps refuse every write, the server's own included. */
function assertWritable(ctx: AppContext): void {
  const status = ctx.app()?.status;
  if (status === "read-only") throw new InstantError("app-read-only", "This app is in read-only mode.");
  if (status === "disabled") throw new InstantError("app-disabled", "This app has been disabled.");
}
