/**
 * The SSE transport's other half: the `sse-init` frame that opens a stream, and the
 * POST body (snake_case, docs/protocol.md §1.4) that carries a client's messages to it.
 */
import * as z from "zod";
import type { JsonValue } from "../model/triple";
import { InstantError, paramMalformed } from "../protocol/errors";
import type { ServerMessage } from "../protocol/server-messages";
import { sha256Hex } from "../util/sha256";

/** Most messages one POST may carry (the client batches what queued during a POST). */
export const MAX_SSE_MESSAGES_PER_POST = 1_000;

/** Identifies this server instance to the client; informational only. Made lazily:
 * Workers forbid generating random values at global scope. */
let machineId: string | undefined;

export const sseInitFrame = (sessionId: string, token: string): ServerMessage => ({
  op: "sse-init",
  "machine-id": (machineId ??= crypto.randomUUID()),
  "session-id": sessionId,
  "sse-token": token,
});

export const sseTokenHash = (token: string): string => sha256Hex(`sse-token:${token}`);

export type SsePush = { sessionId: string; sseToken: string; messages: JsonValue[] };

const pushSchema = z.object({
  session_id: z.string(),
  sse_token: z.string(),
  messages: z.array(z.unknown()).max(MAX_SSE_MESSAGES_PER_POST),
});

export function parseSsePush(body: unknown): SsePush | InstantError {
  const r = pushSchema.safeParse(body);
  if (!r.success) {
    const path = r.error.issues[0]?.path.map(String) ?? [];
    return paramMalformed(["body", ...path], null);
  }
  return { sessionId: r.data.session_id, sseToken: r.data.sse_token, messages: r.data.messages as JsonValue[] };
}
