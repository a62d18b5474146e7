/**
 * The CEL environments rules compile in, one per kind of rule, as on Instant: every
 * rule sees `data`, `auth`, `ruleParams` and `request`; create/update rules add
 * `newData`; link rules add `newData`, `linkedData` and `actions`; unlink rules add
 * `newData` and `linkedData`. A name outside its environment (say `newData` in a view
 * rule) is a compile error, like Instant's "undeclared reference".
 *
 * Beyond standard CEL (and the library's string functions and `cel.bind`), Instant's
 * extras: `x.ref(path)` on maps, `timestamp(int)` reading epoch milliseconds and
 * `timestamp(string)` accepting any date the store accepts, `<timestamp>.getTime()` in
 * milliseconds, the `math.*` functions and the string extensions the library lacks
 * (`charAt`, `replace`, `reverse`).
 *
 * Library: @marcbachmann/cel-js (pure JS, no eval / new Function, so it runs in workerd).
 */
import { Environment } from "@marcbachmann/cel-js";
import { parseDateValue } from "../query/date-key";
import { refOrigin } from "./cel-values";

export type RuleKind = "view" | "create" | "update" | "delete" | "link" | "unlink" | RoomRuleKind;

/** Room rules (`$rooms`, beyond Instant): who may join, what presence and broadcasts may carry. */
export type RoomRuleKind = "join" | "presence" | "broadcast";

/** `request` as rules see it: a typed record, so `request.typo` fails to compile. */
export class CelRequest {
  constructor(
    readonly time: Date,
    readonly origin: string,
    readonly ip: string,
    readonly modifiedFields: readonly string[],
  ) {}
}

/** The name `timestamp(...)` calls are compiled to (see rules-compile.ts): Instant's overloads. */
export const TIMESTAMP_FN = "_instant_timestamp";

class MathNamespace {}

/** The latest timestamp CEL allows (9999-12-31T23:59:59.999Z) and the earliest (0001-01-01). */
const MAX_TS = 253402300799999;
const MIN_TS = -62135596800000;

function celDate(ms: number | null): Date {
  if (ms === null || !Number.isFinite(ms) || ms > MAX_TS || ms < MIN_TS) {
    throw new Error("timestamp() could not parse the value as a date");
  }
  return new Date(ms);
}

function refHandler(map: unknown, path: string): unknown[] {
  const origin = refOrigin(map);
  // Instant: only data, linkedData and auth answer ref; newData and ruleParams do not.
  if (origin === undefined) throw new Error("ref() is only available on data, linkedData and auth");
  return origin.ref(path);
}

type Num = bigint | number;
const absNum = (x: Num): Num => (x < 0 ? -x : x);
const signNum = (x: Num): Num => (typeof x === "bigint" ? (x > 0n ? 1n : x < 0n ? -1n : 0n) : Math.sign(x));

/** The variables every rule sees but `data`, and the functions. */
function common(): Environment {
  const env = new Environment({ homogeneousAggregateLiterals: false })
    .registerVariable("auth", "map<string, dyn>")
    .registerVariable("ruleParams", "map<string, dyn>")
    .registerType("request", {
      ctor: CelRequest,
      fields: { time: "google.protobuf.Timestamp", origin: "string", ip: "string", modifiedFields: "list<string>" },
    })
    .registerVariable("request", "request")
    .registerFunction({
      name: "ref",
      receiverType: "map<string, dyn>",
      returnType: "list<dyn>",
      params: [{ name: "path", type: "string" }],
      handler: refHandler,
    })
    .registerFunction(`${TIMESTAMP_FN}(int): google.protobuf.Timestamp`, (ms: bigint) => celDate(Number(ms)))
    .registerFunction(`${TIMESTAMP_FN}(string): google.protobuf.Timestamp`, (s: string) => celDate(parseDateValue(s)))
    .registerFunction("google.protobuf.Timestamp.getTime(): int", (t: Date) => BigInt(t.getTime()))
    .registerFunction("string.charAt(int): string", (s: string, i: bigint) => {
      const chars = [...s];
      if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
      return chars[Number(i)] ?? "";
    })
    .registerFunction("string.replace(string, string): string", (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction("string.replace(string, string, int): string", (s: string, a: string, b: string, n: bigint) => {
      if (n < 0n) return s.split(a).join(b);
      const parts = s.split(a);
      const k = Math.min(Number(n), parts.length - 1);
      return parts.slice(0, k + 1).join(b) + (k + 1 < parts.length ? a + parts.slice(k + 1).join(a) : "");
    })
    .registerFunction("string.reverse(): string", (s: string) => [...s].reverse().join(""))
    .registerType("MathNamespace", MathNamespace)
    .registerConstant("math", "MathNamespace", new MathNamespace());
  for (const t of ["int", "double"] as const) {
    env
      .registerFunction(`MathNamespace.abs(${t}): ${t}`, (_m: MathNamespace, x: Num) => absNum(x))
      .registerFunction(`MathNamespace.sign(${t}): ${t}`, (_m: MathNamespace, x: Num) => signNum(x))
      .registerFunction(`MathNamespace.greatest(${t}, ${t}): ${t}`, (_m: MathNamespace, a: Num, b: Num) => (a >= b ? a : b))
      .registerFunction(`MathNamespace.least(${t}, ${t}): ${t}`, (_m: MathNamespace, a: Num, b: Num) => (a <= b ? a : b))
      .registerFunction(`MathNamespace.greatest(list<${t}>): ${t}`, (_m: MathNamespace, xs: Num[]) => extreme(xs, 1))
      .registerFunction(`MathNamespace.least(list<${t}>): ${t}`, (_m: MathNamespace, xs: Num[]) => extreme(xs, -1));
  }
  for (const [name, fn] of [
    ["ceil", Math.ceil],
    ["floor", Math.floor],
    ["round", (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x))],
    ["trunc", Math.trunc],
  ] as const) {
    env.registerFunction(`MathNamespace.${name}(double): double`, (_m: MathNamespace, x: number) => fn(x));
  }
  return env
    .registerFunction("MathNamespace.isNaN(double): bool", (_m: MathNamespace, x: number) => Number.isNaN(x))
    .registerFunction("MathNamespace.isInf(double): bool", (_m: MathNamespace, x: number) => x === Infinity || x === -Infinity)
    .registerFunction("MathNamespace.isFinite(double): bool", (_m: MathNamespace, x: number) => Number.isFinite(x));
}

function extreme(xs: Num[], dir: 1 | -1): Num {
  if (xs.length === 0) throw new Error("math.greatest/least need at least one value");
  let best = xs[0]!;
  for (const x of xs) if ((dir === 1 && x > best) || (dir === -1 && x < best)) best = x;
  return best;
}

let envs: Record<"viewDelete" | "createUpdate" | "link" | "unlink" | RoomRuleKind, Environment> | null = null;

/** The environment a rule of `kind` compiles in (built once, on first use). */
export function celEnvironment(kind: RuleKind): Environment {
  if (envs === null) {
    const shared = common();
    const root = shared.clone().registerVariable("data", "map<string, dyn>");
    const room = shared.clone().registerVariable("roomId", "string").registerVariable("roomType", "string");
    const viewDelete = root.clone();
    const createUpdate = root.clone().registerVariable("newData", "map<string, dyn>");
    const link = root
      .clone()
      .registerVariable("newData", "map<string, dyn>")
      .registerVariable("linkedData", "map<string, dyn>")
      .registerVariable("actions", "map<string, dyn>");
    const unlink = root.clone().registerVariable("newData", "map<string, dyn>").registerVariable("linkedData", "map<string, dyn>");
    envs = {
      viewDelete,
      createUpdate,
      link,
      unlink,
      join: room,
      presence: room.clone().registerVariable("newData", "map<string, dyn>"),
      broadcast: room.clone().registerVariable("topic", "string").registerVariable("data", "dyn"),
    };
  }
  switch (kind) {
    case "view":
    case "delete":
      return envs.viewDelete;
    case "create":
    case "update":
      return envs.createUpdate;
    case "link":
      return envs.link;
    case "unlink":
      return envs.unlink;
    case "join":
    case "presence":
    case "broadcast":
      return envs[kind];
  }
}
