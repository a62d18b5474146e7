/**
 * The typed surface between the Worker's HTTP routes and an app's Durable Object: every
 * HTTP API call is parsed once in the Worker (src/http) into an ApiCall, sent over the
 * one RPC method, and answered by the core's dispatcher (dispatch.ts). Streams (SSE) are
 * the only HTTP traffic that reaches the object another way (its `fetch`).
 */
import type { RestoreTarget } from "../apps/restore";
import type { JsonValue } from "../model/triple";

/** `as-email` / `as-token` / `as-guest` on admin requests (docs/protocol.md §13.1). */
export type Impersonation =
  | { readonly kind: "email"; readonly email: string }
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "guest" };

/** What an admin request proves about its caller. */
export type AdminCredentials = { readonly adminToken: string | null; readonly as: Impersonation | null };

export type UserSelector =
  | { readonly by: "id"; readonly id: string }
  | { readonly by: "email"; readonly email: string }
  | { readonly by: "refresh-token"; readonly refreshToken: string };

export type ExtraFields = { readonly [label: string]: JsonValue };

/** Runtime auth endpoints: called by browser clients, no credential beyond the body. */
export type RuntimeRequest =
  | { readonly op: "send-magic-code"; readonly email: string }
  | {
      readonly op: "verify-magic-code";
      readonly email: string;
      readonly code: string;
      readonly guestRefreshToken: string | null;
      readonly extraFields: ExtraFields | null;
    }
  | { readonly op: "verify-refresh-token"; readonly refreshToken: string }
  | { readonly op: "sign-in-guest"; readonly extraFields: ExtraFields | null }
  | { readonly op: "sign-out"; readonly refreshToken: string };

/** Admin API endpoints (docs/protocol.md §13.2). */
export type AdminRequest =
  | { readonly op: "admin-query"; readonly query: { readonly [key: string]: JsonValue }; readonly inference: boolean }
  | { readonly op: "admin-transact"; readonly steps: JsonValue[]; readonly throwOnMissingAttrs: boolean }
  /** Email wins over id, as in Instant; neither is the core's validation error. */
  | { readonly op: "admin-create-token"; readonly email: string | null; readonly id: string | null; readonly extraFields: ExtraFields | null }
  | { readonly op: "admin-magic-code"; readonly email: string; readonly send: boolean }
  | { readonly op: "admin-verify-magic-code"; readonly email: string; readonly code: string; readonly extraFields: ExtraFields | null }
  | { readonly op: "admin-sign-in-guest"; readonly extraFields: ExtraFields | null }
  | { readonly op: "admin-get-user"; readonly user: UserSelector }
  | { readonly op: "admin-delete-user"; readonly user: UserSelector }
  | { readonly op: "admin-sign-out"; readonly user: UserSelector }
  | { readonly op: "admin-room-presence"; readonly roomId: string }
  /** `debugQuery` / `debugTransact`: a data request as a user, with every rule check reported (perms-check.ts). */
  | {
      readonly op: "admin-query-perms-check";
      readonly query: { readonly [key: string]: JsonValue };
      readonly inference: boolean;
      readonly rulesOverride: { readonly [key: string]: JsonValue } | null;
    }
  | {
      readonly op: "admin-transact-perms-check";
      readonly steps: JsonValue[];
      readonly throwOnMissingAttrs: boolean;
      readonly rulesOverride: { readonly [key: string]: JsonValue } | null;
      readonly commit: boolean;
    }
  /** `instant-cli pull perms` / `push perms` (docs/protocol.md §9.1). */
  | { readonly op: "admin-get-rules" }
  | { readonly op: "admin-set-rules"; readonly code: { readonly [key: string]: JsonValue } }
  /** Ours, not Instant's: the app's magic-code email; null restores the default. */
  | { readonly op: "admin-set-magic-code-template"; readonly template: { readonly subject: string; readonly body: string } | null };

export type CreateAppRequest = {
  readonly op: "create-app";
  readonly title: string;
  readonly adminToken: string;
  readonly ephemeral: boolean;
  readonly schema: JsonValue | null;
  readonly rules: JsonValue | null;
};

/** Operator calls: the Worker checked the operator secret before sending them. */
export type OperatorRequest = { readonly op: "restore-app"; readonly target: RestoreTarget };

export type ApiCall =
  | { readonly appId: string; readonly request: RuntimeRequest }
  | { readonly appId: string; readonly operator: true; readonly request: OperatorRequest }
  | { readonly appId: string; readonly credentials: AdminCredentials; readonly request: AdminRequest }
  | { readonly appId: string; readonly request: CreateAppRequest };

/** What the object answers: an HTTP status and a JSON body, serialized once. */
export type ApiReply = { readonly status: number; readonly body: string };
