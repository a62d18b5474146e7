/**
 * One middleware names the app a request is for, wherever its SDK puts the id: the
 * `app-id` header and `?app_id=` (admin SDK, storage), or the JSON body's `app-id` /
 * `app_id` (runtime auth endpoints). The first present wins; it must be a uuid.
 */
import type { MiddlewareHandler } from "hono";
import type { JsonValue } from "../model/triple";
import type { JsonObject } from "./params";
import { paramMalformed, paramMissing } from "../protocol/errors";
import { isUuid } from "../util/uuid";
import type { HttpEnv } from "./context";
import { jsonObjectBody } from "./params";

export type AppIdSource = "param" | "header" | "query" | "body";

const PATHS: Record<AppIdSource, readonly (readonly string[])[]> = {
  param: [["path", "app_id"]],
  header: [["headers", "app-id"]],
  query: [["query", "app_id"]],
  body: [
    ["body", "app-id"],
    ["body", "app_id"],
  ],
};

export function appId(...sources: AppIdSource[]): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    let body: JsonObject | null = null;
    for (const source of sources) {
      for (const path of PATHS[source]) {
        let value: JsonValue | undefined;
        if (source === "param") value = c.req.param(path[1]!);
        else if (source === "header") value = c.req.header(path[1]!);
        else if (source === "query") value = c.req.query(path[1]!);
        else {
          // Hono caches the raw body, so the route reads it again for free; a body that
          // is not a JSON object is the route's error to report, not ours.
          body ??= await jsonObjectBody(c.req).catch(() => ({}));
          value = body[path[1]!];
        }
        if (value === undefined || value === null || value === "") continue;
        if (!isUuid(value)) throw paramMalformed([...path], value);
        c.set("appId", value.toLowerCase());
        return next();
      }
    }
    throw paramMissing([...PATHS[sources[0]!][0]!]);
  };
}
