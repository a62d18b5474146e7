/**
 * `bind`: named sub-expressions a rule may use, from `$default.bind` and the
 * namespace's own `bind` (the namespace's win on a clash), given as
 * `[name1, expr1, name2, expr2, …]` or `{name: expr}`. As on Instant, a rule is
 * compiled with only the binds it reaches (directly or through other binds), each
 * wrapped around it as `cel.bind(name, expr, …)`, dependencies outermost; a cycle is an
 * error naming it ("a -> b -> a").
 *
 * The wrapped text keeps a map of where each piece came from, so that a compile error
 * can be reported at its line and column in the rule or the bind that holds it.
 */
import type { JsonValue } from "../model/triple";

/** One bind: its expression and where it is written (`[ns, "bind"]`). */
export type Bind = { readonly name: string; readonly expr: string; readonly ns: string };

/** A piece of the wrapped code and where its text comes from. */
export type Segment = { readonly start: number; readonly length: number; readonly origin: string };

export type WrappedCode = { readonly code: string; readonly segments: readonly Segment[] };

export class BindError extends Error {}

/** A bind list as name/value pairs; odd lengths keep their last name with no value. */
export function bindPairs(raw: JsonValue | undefined): JsonValue[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw;
  if (typeof raw === "object") return Object.entries(raw).flat();
  return [raw];
}

/** Problems Instant reports for one namespace's `bind` (odd length, a repeated name). */
export function bindProblems(ns: string, raw: JsonValue | undefined): { message: string; in: string[] }[] {
  const pairs = bindPairs(raw);
  if (pairs.length % 2 !== 0) return [{ message: "bind should have an even number of elements", in: [ns, "bind"] }];
  const seen = new Set<string>();
  for (let i = 0; i < pairs.length; i += 2) {
    const name = String(pairs[i]);
    if (seen.has(name)) return [{ message: "bind should only contain a given variable name once", in: [ns, "bind", name] }];
    seen.add(name);
  }
  for (let i = 0; i < pairs.length; i += 2) {
    const value = pairs[i + 1];
    if (typeof pairs[i] !== "string" || !["string", "boolean", "number"].includes(typeof value)) {
      return [{ message: "bind names must be strings and bind values CEL expressions", in: [ns, "bind", String(pairs[i])] }];
    }
  }
  return [];
}

/**
 * The binds in scope for rules of `etype`: `$default`'s, then the namespace's. Throws
 * BindError when the combined list has an odd length (Instant's check).
 */
export function bindsFor(doc: { readonly [k: string]: JsonValue }, etype: string): Map<string, Bind> {
  const out = new Map<string, Bind>();
  let count = 0;
  for (const ns of ["$default", etype]) {
    const section = doc[ns];
    const pairs = bindPairs(isObject(section) ? section.bind : undefined);
    count += pairs.length;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      out.set(String(pairs[i]), { name: String(pairs[i]), expr: String(pairs[i + 1]), ns });
    }
  }
  if (count % 2 !== 0) throw new BindError("bind should have an even number of elements");
  return out;
}

/**
 * `expr` wrapped in the binds it reaches. `identsOf` lists the identifiers an
 * expression uses (from a parse); `origin` labels the rule's own text.
 */
export function wrapWithBinds(expr: string, origin: string, binds: ReadonlyMap<string, Bind>, identsOf: (expr: string, origin: string) => Set<string>): WrappedCode {
  if (binds.size === 0) return { code: expr, segments: [{ start: 0, length: expr.length, origin }] };
  // Breadth first from the rule: which binds are used, and which binds each bind uses.
  const used: string[] = [];
  const seen = new Set<string>();
  const refs = new Map<string, Set<string>>();
  const queue: { source: string | null; expr: string; origin: string }[] = [{ source: null, expr, origin }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const names = new Set([...identsOf(next.expr, next.origin)].filter((n) => binds.has(n)));
    if (next.source !== null) refs.set(next.source, names);
    for (const n of names) {
      if (seen.has(n)) continue;
      seen.add(n);
      used.push(n);
      const b = binds.get(n)!;
      queue.push({ source: n, expr: b.expr, origin: bindOrigin(b) });
    }
  }
  // Depth first: dependencies end up outermost; a name met again while open is a cycle.
  const done = new Set<string>();
  const open = new Set<string>();
  const order: string[] = [];
  const visit = (path: string[], v: string): void => {
    if (done.has(v)) return;
    if (open.has(v)) throw new BindError(`The binds have a cyclic dependency ${path.join(" -> ")}`);
    open.add(v);
    for (const r of refs.get(v) ?? []) visit([...path, r], r);
    done.add(v);
    order.unshift(v);
  };
  for (const v of used) visit([v], v);

  let code = expr;
  let segments: Segment[] = [{ start: 0, length: expr.length, origin }];
  for (const name of order) {
    const b = binds.get(name)!;
    const head = `cel.bind(${name}, `;
    const prefix = `${head}${b.expr}, `;
    segments = [{ start: head.length, length: b.expr.length, origin: bindOrigin(b) }, ...segments.map((s) => ({ ...s, start: s.start + prefix.length }))];
    code = `${prefix}${code})`;
  }
  return { code, segments };
}

const bindOrigin = (b: Bind) => `${b.ns}.bind.${b.name}`;

/** Where a position of the wrapped code is: the piece's origin and a 1-based line and column in it. */
export function locate(wrapped: WrappedCode, pos: number, fallback: string): { origin: string; line: number; column: number } {
  const seg =
    wrapped.segments.find((s) => pos >= s.start && pos < s.start + s.length) ??
    wrapped.segments.find((s) => pos === s.start + s.length);
  if (seg === undefined) return { origin: fallback, line: 1, column: 1 };
  const text = wrapped.code.slice(seg.start, pos);
  const lines = text.split("\n");
  return { origin: seg.origin, line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

const isObject = (v: JsonValue | undefined): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
