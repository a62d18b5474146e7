/**
 * Index-driven pages for `order` by an attr: reads O(page) rows instead of sorting the
 * whole etype. In ascending query order the entities form two runs:
 *
 * - the null run: entities whose order value is null or missing, by entity id. Read from
 *   the id triples through triples_av (a, v, vt), whose value IS the entity id (the
 *   client's own test of presence is `[E, idAttr, E, t]`, docs/protocol.md §7.3), dropping those
 *   that have a non-null sort key;
 * - the key run: order triples with a non-null sort key through triples_ak (a, k, e),
 *   keeping those whose entity has an id triple.
 *
 * Cursor bounds become row-value ranges the index seeks to. Each run is walked in
 * windows of candidates (one statement each) checked in JS, so a short window says the
 * range is exhausted. A sparse null run (the attr is set on nearly every entity) cannot
 * be bounded by the page: after one window the rest of it is one anti-join against the
 * materialised key set, O(etype) but without per-entity seeks or a sort.
 *
 * Pages with a where filter are left to the sorting plan (null result): the filter is an
 * `IN (subquery)` SQLite materialises per statement, so a window that the filter empties
 * followed by the sorting plan paid for it twice (2× on a selective filter, measured),
 * while walking the index saved little on top of building it.
 */
import type { SqlValue } from "../store/sql";
import { Params } from "./params";
import type { Bound, PageRequest, Row } from "./paginate";
import type { Direction } from "./types";

type Run = "key" | "null";

/** Candidate rows: a Row plus the run's sort position (`sk`) and, in the null run, the key that disqualifies (`nk`). */
type Candidate = Row & { sk: SqlValue; nk: SqlValue };

/** The where (over any entity expression) filters nothing. */
const unfiltered = (req: PageRequest) => req.where(new Params(), "x") === "1";

/** Rows `offset .. offset+limit` of the page in `dir` within `bounds`; null: filtered, use the sorting plan. */
export function indexedSelect(req: PageRequest, dir: Direction, bounds: readonly Bound[], limit: number, offset: number): Row[] | null {
  if (!unfiltered(req)) return null;
  const need = offset + limit;
  const out: Row[] = [];
  for (const run of (dir === "asc" ? ["null", "key"] : ["key", "null"]) as Run[]) {
    if (out.length < need) out.push(...scanRun(req, run, dir, bounds, need - out.length));
  }
  return out.slice(offset, need);
}

/** Whether any entity lies within `bounds`; null: filtered, use the sorting plan's query. */
export function indexedExists(req: PageRequest, bounds: readonly Bound[]): boolean | null {
  if (!unfiltered(req)) return null;
  // The key run first: one index seek, where a sparse null run can take a scan.
  return (["key", "null"] as Run[]).some((run) => scanRun(req, run, "asc", bounds, 1).length > 0);
}

/** The first `need` rows of one run in `dir`. */
function scanRun(req: PageRequest, run: Run, dir: Direction, bounds: readonly Bound[], need: number): Row[] {
  const out: Row[] = [];
  let resume: Bound | null = null;
  // Key candidates fail only without an id triple (rare); null candidates whenever the entity has a key.
  let window = run === "key" ? need + 8 : 2 * need + 32;
  for (let round = 0; ; round++) {
    const all = resume ? [...bounds, resume] : bounds;
    if (run === "null" && round > 0) return [...out, ...nullRest(req, dir, all, need - out.length)];
    const cands = candidates(req, run, dir, all, window);
    if (cands === null) return out;
    for (const c of cands) {
      if (!accepts(run, c)) continue;
      out.push(c);
      if (out.length === need) return out;
    }
    if (cands.length < window) return out;
    const last = cands[cands.length - 1] as Candidate;
    // Strictly past the last candidate, in the walking direction (bounds are in ascending space).
    const cmp = dir === "asc" ? "gt" : "lt";
    resume = run === "key" ? { cmp, value: last.sk, e: last.e, inclusive: false } : { cmp, value: null, e: String(last.sk), inclusive: false };
    window *= 2;
  }
}

const accepts = (run: Run, c: Candidate): boolean => (run === "key" ? c.t !== null : c.nk === null);

/**
 * One window of candidates, in `dir`; null when the bounds leave the run empty. The
 * inner select is the index range (seeks, LIMIT); the outer adds what filtering needs.
 */
function candidates(req: PageRequest, run: Run, dir: Direction, bounds: readonly Bound[], window: number): Candidate[] | null {
  const p = new Params();
  const conds = runConds(p, run, bounds);
  if (conds === null) return null;
  const ord = req.key.attr.id;
  const id = req.idAttr.id;
  let text: string;
  if (run === "key") {
    const inner = `SELECT e, k, vt, v, t FROM triples INDEXED BY triples_ak WHERE a = ${p.add(ord)} AND k IS NOT NULL${conds} ORDER BY k ${dir}, e ${dir} LIMIT ${p.add(window)}`;
    // Presence (the id triple's t) as a scalar subquery: one eav seek per candidate.
    const t = `(SELECT i.t FROM triples i INDEXED BY triples_eav WHERE i.e = c.e AND i.a = ${p.add(id)} LIMIT 1)`;
    text = `SELECT c.e AS e, ${t} AS t, c.vt AS ovt, c.v AS ov, c.t AS ot, c.k AS sk, NULL AS nk FROM (${inner}) c ORDER BY c.k ${dir}, c.e ${dir}`;
  } else {
    const inner = `SELECT e, v, t FROM triples INDEXED BY triples_av WHERE a = ${p.add(id)}${conds} ORDER BY v ${dir} LIMIT ${p.add(window)}`;
    text =
      `SELECT c.e AS e, c.t AS t, o.vt AS ovt, o.v AS ov, o.t AS ot, c.v AS sk, o.k AS nk FROM (${inner}) c` +
      ` LEFT JOIN triples o INDEXED BY triples_eav ON o.e = c.e AND o.a = ${p.add(ord)} ORDER BY c.v ${dir}`;
  }
  const { sql, params } = p.finish(text);
  return req.sql.all<Candidate>(sql, ...params);
}

/**
 * The rest of a sparse null run: id triples not in the set of entities
 * with a non-null key, which SQLite materialises once instead of seeking per entity.
 */
function nullRest(req: PageRequest, dir: Direction, bounds: readonly Bound[], need: number): Row[] {
  const p = new Params();
  const conds = runConds(p, "null", bounds, "i.");
  if (conds === null) return [];
  const ord = p.add(req.key.attr.id);
  const text =
    `SELECT i.e AS e, i.t AS t, o.vt AS ovt, o.v AS ov, o.t AS ot FROM triples i INDEXED BY triples_av` +
    ` LEFT JOIN triples o INDEXED BY triples_eav ON o.e = i.e AND o.a = ${ord}` +
    ` WHERE i.a = ${p.add(req.idAttr.id)}${conds} AND i.v NOT IN (SELECT e FROM triples WHERE a = ${ord} AND k IS NOT NULL)` +
    ` ORDER BY i.v ${dir} LIMIT ${p.add(need)}`;
  const { sql, params } = p.finish(text);
  return req.sql.all<Row>(sql, ...params);
}

/**
 * The bounds as range conditions on one run (" AND …", "" for the whole run), or null
 * when they exclude it. A null cursor value sits in the null run, a non-null one in the
 * key run; inclusive only relaxes the entity tie-break (see cursorSql in paginate.ts).
 */
function runConds(p: Params, run: Run, bounds: readonly Bound[], q = ""): string | null {
  let out = "";
  for (const b of bounds) {
    const op = (b.cmp === "gt" ? ">" : "<") + (b.inclusive ? "=" : "");
    if (run === "key") {
      if (b.value === null) {
        if (b.cmp === "lt") return null;
        continue;
      }
      out += ` AND (${q}k, ${q}e) ${op} (${p.add(b.value)}, ${p.add(b.e)})`;
    } else {
      if (b.value !== null) {
        if (b.cmp === "gt") return null;
        continue;
      }
      out += ` AND ${q}v ${op} ${p.add(b.e)}`;
    }
  }
  return out;
}
