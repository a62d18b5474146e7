/**
 * Creating an app inside its own database: the app row, a genesis transaction (so every
 * processed-tx-id is ≥ 1 from the first query on), and the attrs of an optional schema,
 * all in one atomic step.
 */
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import type { AttrRegistry } from "../store/attr-registry";
import type { Sql } from "../store/sql";
import { appendTx } from "../store/tx-log";
import { type AppRecord, hashAdminToken, readApp, writeApp } from "./app-record";
import { attrsFromSchema } from "./schema-to-attrs";
import { checkRules } from "../permissions/check-rules";

/** Ephemeral apps (the SDK test harness's) may be deleted this long after creation. */
export const EPHEMERAL_APP_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export type CreateAppInput = {
  readonly id: string;
  readonly title: string;
  readonly adminToken: string;
  readonly ephemeral: boolean;
  readonly schema: JsonValue | null;
  readonly rules: JsonValue | null;
};

export function createApp(
  sql: Sql,
  attrs: AttrRegistry,
  input: CreateAppInput,
  now: number,
  newId: () => string,
): AppRecord {
  if (readApp(sql)) throw new InstantError("record-not-unique", "An app with this id already exists.", { "record-type": "app" });
  // Check the rules and plan the schema before writing anything: bad input creates no app.
  if (isObject(input.rules)) checkRules(input.rules);
  const schemaAttrs = input.schema === null ? [] : attrsFromSchema(input.schema, newId);
  const app: AppRecord = {
    id: input.id,
    title: input.title,
    createdAt: now,
    ephemeral: input.ephemeral,
    expiresAt: input.ephemeral ? now + EPHEMERAL_APP_TTL_MS : null,
    adminTokenHash: hashAdminToken(input.adminToken),
    status: "active",
    rules: input.rules,
  };
  try {
    sql.transaction(() => {
      writeApp(sql, app);
      appendTx(sql, now);
      for (const attr of schemaAttrs) attrs.put(attr);
    });
  } catch (err) {
    attrs.reload();
    throw err;
  }
  return app;
}

/** The app object the dashboard API returns (docs/protocol.md §13.6), with the plain admin token. */
export function appResponse(app: AppRecord, adminToken: string): { [k: string]: JsonValue } {
  return {
    app: {
      id: app.id,
      title: app.title,
      creator_id: null,
      created_at: new Date(app.createdAt).toISOString(),
      "admin-token": adminToken,
    },
    expires_ms: app.expiresAt,
  };
}

const isObject = (v: JsonValue | null): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
