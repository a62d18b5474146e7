/**
 * Room rules (`$rooms`, beyond Instant; docs/protocol.md §10.6): before a room op is
 * applied, `join` is checked on join-room, `presence` on set-presence and on a join's
 * initial presence, `broadcast` on client-broadcast. No rule allows; admins pass. A
 * denial is Instant's `permission-denied` body naming the rule (`input: ["$rooms",
 * type, action]`), so nothing of the denied op reaches any peer.
 */
import type { AuthContext } from "../model/auth-context";
import type { JsonValue } from "../model/triple";
import { InstantError } from "../protocol/errors";
import { type PermissionStore, runFor } from "./app-permissions";
import type { RoomRuleKind } from "./cel-env";
import type { RoomVars } from "./permission-run";
import { type CompiledRules, ROOMS, roomRuleFor } from "./rules";

/** One room op as the rules see it. */
export type RoomCheck =
  | { readonly op: "join"; readonly roomId: string; readonly roomType: string | null; readonly data: { readonly [k: string]: JsonValue } | null }
  | { readonly op: "presence"; readonly roomId: string; readonly roomType: string | null; readonly data: { readonly [k: string]: JsonValue } }
  | { readonly op: "broadcast"; readonly roomId: string; readonly roomType: string | null; readonly topic: string; readonly data: JsonValue };

/** The denial of a room op, or null when the rules allow it. */
export function roomDenial(store: PermissionStore, rules: CompiledRules, auth: AuthContext, now: number, check: RoomCheck): InstantError | null {
  if (auth.isAdmin) return null;
  const run = runFor(store, rules, auth, now);
  const base = { roomId: check.roomId, roomType: check.roomType };
  const steps: [RoomRuleKind, RoomVars][] = [];
  switch (check.op) {
    case "join":
      steps.push(["join", base]);
      if (check.data !== null) steps.push(["presence", { ...base, newData: check.data }]);
      break;
    case "presence":
      steps.push(["presence", { ...base, newData: check.data }]);
      break;
    case "broadcast":
      steps.push(["broadcast", { ...base, topic: check.topic, data: check.data }]);
      break;
  }
  for (const [action, vars] of steps) {
    if (!run.evaluateRoom(roomRuleFor(rules, check.roomType, action), vars)) return roomPermissionDenied(check.roomType, action);
  }
  return null;
}

/** Instant's permission-denied body, pointing at the room rule that refused. */
export const roomPermissionDenied = (roomType: string | null, action: RoomRuleKind): InstantError =>
  new InstantError("permission-denied", "Permission denied: not perms-pass?", { input: [ROOMS, roomType ?? "$default", action], expected: "perms-pass?" });
