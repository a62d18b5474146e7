/**
 * Admin HTTP requests: the app must exist and the bearer token must be its admin token
 * (docs/protocol.md §13.1: missing header → param-missing, wrong token → record-not-found
 * app-admin-token).
 */
import { paramMissing, recordNotFound } from "../protocol/errors";
import { type AppRecord, adminTokenMatches } from "./app-record";

export function requireAdmin(app: AppRecord | null, appId: string, bearer: string | null): AppRecord {
  if (!app) throw recordNotFound("app", [{ id: appId }]);
  if (bearer === null) throw paramMissing(["headers", "authorization"]);
  if (!adminTokenMatches(app, bearer)) throw recordNotFound("app-admin-token", [{ "app-id": appId }]);
  return app;
}

/** "Bearer <token>" → token; anything else → null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim() || null;
}
