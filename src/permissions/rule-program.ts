/**
 * One rule text → one reusable program: binds wrapped in (binds.ts), parsed and type
 * checked once in the environment of its kind (cel-env.ts), checked against Instant's
 * own validators (`auth.ref` paths must start with `$user.`), and `timestamp(...)`
 * calls pointed at Instant's overloads. Evaluating the program later only runs it.
 *
 * Compile errors come back as problems naming the rule (`todos.allow.view`), or the bind
 * that holds the error (`todos.bind.isOwner`), with a line and column in that text.
 */
import type { Environment } from "@marcbachmann/cel-js";
import { type Bind, BindError, locate, type WrappedCode, wrapWithBinds } from "./binds";
import { celEnvironment, type RuleKind, TIMESTAMP_FN } from "./cel-env";

/** The variables a program reads; absent ones are unbound (an evaluation error if used). */
export type CelVars = { readonly [name: string]: unknown };

export type Program = {
  /** The namespace the rule was resolved for (its binds and `data.ref` start there). */
  readonly etype: string;
  /** The kind of check (view, create, …, link, unlink): the environment and error messages use it. */
  readonly kind: RuleKind;
  /** Where the rule text lives in the rules document. */
  readonly path: readonly string[];
  /** The rule as written. */
  readonly displayCode: string;
  /** The rule with its binds wrapped in, as compiled. */
  readonly code: string;
  /** Runs the program; the raw CEL result (see cel-values.ts `passes`). */
  readonly run: (vars: CelVars) => unknown;
};

export type CompileProblem = { readonly message: string; readonly in: readonly string[] };

export class RuleCompileError extends Error {
  constructor(readonly problems: readonly CompileProblem[]) {
    super(problems.map((p) => p.message).join(", "));
  }
}

type CelAst = { op: string; args: unknown; start: number; end: number };
type CelErrorLike = { summary?: string; message: string; range?: { start: number; end: number } };

/** Compiles `text` (a rule at `path`, for namespace `etype`, checked as `kind`). Throws RuleCompileError. */
export function compileRule(etype: string, kind: RuleKind, path: readonly string[], text: string, binds: ReadonlyMap<string, Bind>): Program {
  const env = celEnvironment(kind);
  const where = path.join(".");
  const fail = (message: string): never => {
    throw new RuleCompileError([{ message, in: [...path] }]);
  };
  let wrapped: WrappedCode;
  try {
    wrapped = wrapWithBinds(text, where, binds, (expr, origin) => identifiers(parseOrFail(env, expr, { code: expr, segments: [{ start: 0, length: expr.length, origin }] }, where, path)));
  } catch (e) {
    if (e instanceof BindError) return fail(e.message);
    throw e;
  }
  const parsed = parseOrFail(env, wrapped.code, wrapped, where, path);
  const checked = parsed.check();
  if (!checked.valid) throw problemAt(wrapped, checked.error as CelErrorLike, where, path);
  for (const node of nodes(parsed.ast as unknown as CelAst)) {
    const bad = authRefProblem(node);
    if (bad !== null) throw problemAt(wrapped, { message: bad.message, summary: bad.message, range: bad.range }, where, path);
  }
  // Instant's timestamp(int) reads milliseconds and timestamp(string) any date: same-named
  // calls are renamed to those overloads, then the renamed code is compiled once more.
  const stamps = [...nodes(parsed.ast as unknown as CelAst)].filter((n) => n.op === "call" && Array.isArray(n.args) && n.args[0] === "timestamp");
  let program = parsed;
  if (stamps.length > 0) {
    let code = wrapped.code;
    for (const n of stamps.sort((a, b) => b.start - a.start)) {
      code = code.slice(0, n.start) + TIMESTAMP_FN + code.slice(n.start + "timestamp".length);
    }
    program = env.parse(code);
    const again = program.check();
    if (!again.valid) throw problemAt(wrapped, again.error as CelErrorLike, where, path);
  }
  return { etype, kind, path, displayCode: text, code: wrapped.code, run: (vars) => program(vars as Record<string, unknown>) };
}

function parseOrFail(env: Environment, code: string, wrapped: WrappedCode, where: string, path: readonly string[]) {
  try {
    return env.parse(code);
  } catch (e) {
    throw problemAt(wrapped, e as CelErrorLike, where, path);
  }
}

function problemAt(wrapped: WrappedCode, err: CelErrorLike, where: string, path: readonly string[]): RuleCompileError {
  const summary = err.summary ?? err.message.split("\n")[0] ?? err.message;
  if (err.range === undefined) return new RuleCompileError([{ message: `${where}: ${summary}`, in: [...path] }]);
  const at = locate(wrapped, err.range.start, where);
  return new RuleCompileError([{ message: `${at.origin}:${at.line}:${at.column}: ${summary}`, in: [...path] }]);
}

/** Every node of a parsed expression. */
function* nodes(root: CelAst): Generator<CelAst> {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) stack.push(...x);
    else if (isNode(x)) {
      yield x;
      stack.push(x.args);
    }
  }
}

const isNode = (x: unknown): x is CelAst => typeof x === "object" && x !== null && typeof (x as CelAst).op === "string" && "args" in x;

/** The identifiers an expression names (bind candidates). */
function identifiers(parsed: { ast: unknown }): Set<string> {
  const out = new Set<string>();
  for (const n of nodes(parsed.ast as CelAst)) if (n.op === "id" && typeof n.args === "string") out.add(n.args);
  return out;
}

/** Instant's validator: `auth.ref(arg)` needs a literal string arg starting with `$user.`. */
function authRefProblem(n: CelAst): { message: string; range: { start: number; end: number } } | null {
  if (n.op !== "rcall" || !Array.isArray(n.args) || n.args[0] !== "ref") return null;
  const [, receiver, args] = n.args as [string, CelAst, CelAst[]];
  if (receiver.op !== "id" || receiver.args !== "auth") return null;
  const arg = args[0];
  if (args.length === 1 && arg !== undefined && arg.op === "value" && typeof arg.args === "string" && arg.args.startsWith("$user.")) return null;
  const at = arg ?? n;
  return { message: "auth.ref arg must start with `$user.`", range: { start: at.start, end: at.end } };
}
