/**
 * The check a rules document passes before it is stored (on app creation and on
 * `push perms`): its shape — an object of namespaces, each an object whose `allow`,
 * `bind` and `fields` parts have the types Instant's rules have — and then every rule
 * compiled (rules.ts), so a rule that does not compile is refused with its name and
 * position and no app is left with half-valid rules (docs/protocol.md §9.1).
 */
import type { JsonValue } from "../model/triple";
import { validationError, type ValidationProblem } from "../protocol/errors";
import { compileRules, ROOMS } from "./rules";

const ALLOW_ACTIONS = new Set(["view", "create", "update", "delete", "link", "unlink", "$default"]);

export function checkRules(doc: { readonly [key: string]: JsonValue }): void {
  const problems: ValidationProblem[] = [];
  for (const [ns, section] of Object.entries(doc)) {
    if (ns === ROOMS) {
      problems.push(...roomShapeProblems(section));
      continue;
    }
    if (!isObject(section)) {
      problems.push({ message: `${ns} must be an object.`, in: [ns] });
      continue;
    }
    const allow = section.allow;
    if (allow !== undefined && !isObject(allow)) problems.push({ message: `${ns}.allow must be an object.`, in: [ns, "allow"] });
    if (isObject(allow)) {
      for (const [action, rule] of Object.entries(allow)) {
        if (!ALLOW_ACTIONS.has(action)) problems.push({ message: `${ns}.allow.${action} is not an action.`, in: [ns, "allow", action] });
        else if (!isRuleValue(action, rule)) problems.push({ message: `${ns}.allow.${action} must be a rule string.`, in: [ns, "allow", action] });
      }
    }
    const bind = section.bind;
    if (bind !== undefined && !isObject(bind) && !(Array.isArray(bind) && bind.every((b) => typeof b === "string"))) {
      problems.push({ message: `${ns}.bind must be an object or an array of strings.`, in: [ns, "bind"] });
    }
    const fields = section.fields;
    if (fields !== undefined && !(isObject(fields) && Object.values(fields).every((r) => typeof r === "string" || r === null))) {
      problems.push({ message: `${ns}.fields must map field names to rule strings.`, in: [ns, "fields"] });
    }
  }
  if (problems.length > 0) throw validationError("rule", doc, problems);
  compileRules(doc);
}

const ROOM_ACTIONS = new Set(["join", "presence", "broadcast", "$default"]);

/** `$rooms`: room type (or `$default`) → `{allow: {join, presence, broadcast, $default}, bind}`. */
function roomShapeProblems(section: JsonValue): ValidationProblem[] {
  if (!isObject(section)) return [{ message: `${ROOMS} must be an object of room types.`, in: [ROOMS] }];
  const problems: ValidationProblem[] = [];
  for (const [type, room] of Object.entries(section)) {
    const at = [ROOMS, type];
    if (!isObject(room)) {
      problems.push({ message: `${ROOMS}.${type} must be an object.`, in: at });
      continue;
    }
    for (const key of Object.keys(room)) {
      if (key !== "allow" && key !== "bind") problems.push({ message: `${ROOMS}.${type}.${key} is not allowed: rooms have allow and bind.`, in: [...at, key] });
    }
    const allow = room.allow;
    if (allow !== undefined && !isObject(allow)) problems.push({ message: `${ROOMS}.${type}.allow must be an object.`, in: [...at, "allow"] });
    if (isObject(allow)) {
      for (const [action, rule] of Object.entries(allow)) {
        if (!ROOM_ACTIONS.has(action)) problems.push({ message: `${ROOMS}.${type}.allow.${action} is not a room action (join, presence, broadcast, $default).`, in: [...at, "allow", action] });
        else if (rule !== null && typeof rule !== "string" && typeof rule !== "boolean") problems.push({ message: `${ROOMS}.${type}.allow.${action} must be a rule string.`, in: [...at, "allow", action] });
      }
    }
    const bind = room.bind;
    if (bind !== undefined && !isObject(bind) && !(Array.isArray(bind) && bind.every((b) => typeof b === "string"))) {
      problems.push({ message: `${ROOMS}.${type}.bind must be an object or an array of strings.`, in: [...at, "bind"] });
    }
  }
  return problems;
}

/** A rule is a CEL string (or null for "no rule"); link/unlink map labels to rules. */
function isRuleValue(action: string, rule: JsonValue): boolean {
  if (rule === null || typeof rule === "string") return true;
  return (action === "link" || action === "unlink") && isObject(rule) && Object.values(rule).every((r) => typeof r === "string");
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
