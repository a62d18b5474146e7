/**
 * Reading request parameters the way Instant reports problems with them: a missing one
 * is `param-missing` with its path (`["body", "email"]`), one that does not coerce is
 * `param-malformed` with the path and the original input (docs/protocol.md §14).
 * Secrets (tokens, codes) are never echoed back as original input.
 */
import type { JsonValue } from "../model/triple";
import { paramMalformed, paramMissing } from "../protocol/errors";
import { coerceEmail } from "../auth/email-address";
import { isUuid } from "../util/uuid";

export type JsonObject = { readonly [key: string]: JsonValue };

/** A JSON object body, or param-malformed ["body"]. An absent body reads as `{}`. */
export async function jsonObjectBody(request: { text(): Promise<string> }): Promise<JsonObject> {
  const text = await request.text();
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw paramMalformed(["body"], null);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw paramMalformed(["body"], null);
  return parsed as JsonObject;
}

type Coerce<T> = (raw: JsonValue) => T | null;

export type ParamOptions = { readonly secret?: boolean };

/** A required parameter: present (not null) and coercible. */
export function param<T>(source: JsonObject, path: readonly string[], coerce: Coerce<T>, o: ParamOptions = {}): T {
  const raw = source[path[path.length - 1]!];
  // A blank string is as good as absent (a title of spaces is a missing title).
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) throw paramMissing([...path]);
  const value = coerce(raw);
  if (value === null) throw paramMalformed([...path], o.secret ? null : raw);
  return value;
}

/** An optional parameter: absent or null gives null; present must coerce. */
export function optionalParam<T>(source: JsonObject, path: readonly string[], coerce: Coerce<T>, o: ParamOptions = {}): T | null {
  const raw = source[path[path.length - 1]!];
  if (raw === undefined || raw === null) return null;
  const value = coerce(raw);
  if (value === null) throw paramMalformed([...path], o.secret ? null : raw);
  return value;
}

export const asString: Coerce<string> = (v) => (typeof v === "string" ? v : null);

export const asTrimmedString: Coerce<string> = (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** Instant's ids and tokens are uuids; lower-cased so lookups match. */
export const asUuid: Coerce<string> = (v) => (isUuid(v) ? v.toLowerCase() : null);

/** Emails are trimmed and lower-cased, and must have the shape the auth core accepts. */
export const asEmail: Coerce<string> = (v) => coerceEmail(v);

export const asBoolean: Coerce<boolean> = (v) => (typeof v === "boolean" ? v : null);

export const asObject: Coerce<JsonObject> = (v) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : null);

export const asJson: Coerce<JsonValue> = (v) => v;

export const asArray: Coerce<JsonValue[]> = (v) => (Array.isArray(v) ? v : null);
