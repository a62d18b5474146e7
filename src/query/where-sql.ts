/**
 * Compiles a resolved Cond into an SQL predicate over an entity-id expression. A scope
 * becomes `x IN (SELECT ...)` joining one `triples` alias per pattern, with link
 * variables shared by (etype, depth) as in Instant's datalog; every client value is a
 * bound parameter and lists travel as one JSON parameter through json_each.
 */
import type { Sql } from "../store/sql";
import { VT } from "../store/value-codec";
import type { Cond, Leaf, ValueMatch } from "./cond";
import { matchLikeInJs, planLike } from "./like";
import type { Params } from "./params";

export type WhereCompiler = {
  /** SQL predicate: `x` (an entity-id expression) satisfies `cond`. */
  predicate(params: Params, cond: Cond, x: string): string;
};

const CMP_SQL = { $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" } as const;

export function whereCompiler(sql: Sql, idAttrOf: (etype: string) => string, rootEtype: string): WhereCompiler {
  // Long or non-ASCII like patterns are matched once in JS and reused by every statement.
  const likeIds = new WeakMap<ValueMatch, string[]>();
  let alias = 0;
  const nextAlias = () => `w${alias++}`;

  function predicate(p: Params, cond: Cond, x: string): string {
    if (cond.kind === "or") return `(${cond.items.map((c) => predicate(p, c, x)).join(" OR ")})`;
    const parts: string[] = [];
    if (cond.leaves.length > 0) parts.push(`${x} IN (${scopeSelect(p, cond.leaves)})`);
    for (const sub of cond.subs) parts.push(predicate(p, sub, x));
    return parts.length === 0 ? "1" : `(${parts.join(" AND ")})`;
  }

  function scopeSelect(p: Params, leaves: readonly Leaf[]): string {
    const r = nextAlias();
    const from = [`triples ${r}`];
    const where = [`${r}.a = ${p.add(idAttrOf(rootEtype))}`];
    const vars = new Map<string, string>();
    for (const leaf of leaves) {
      let cur = `${r}.e`;
      leaf.hops.forEach((hop, i) => {
        const t = nextAlias();
        from.push(`triples ${t}`);
        where.push(`${t}.a = ${p.add(hop.attr.id)}`);
        const [near, far] = hop.forward ? [`${t}.e`, `${t}.v`] : [`${t}.v`, `${t}.e`];
        where.push(`${near} = ${cur}`);
        if (hop.forward) where.push(`${t}.vt = ${VT.string}`);
        const key = `${hop.etype}\u0000${i + 1}`;
        const bound = vars.get(key);
        if (bound) where.push(`${far} = ${bound}`);
        else vars.set(key, far);
        cur = vars.get(key) as string;
      });
      where.push(targetSql(p, leaf, cur, from));
    }
    return `SELECT ${r}.e FROM ${from.join(", ")} WHERE ${where.join(" AND ")}`;
  }

  function targetSql(p: Params, leaf: Leaf, cur: string, from: string[]): string {
    const tg = leaf.target;
    if (tg.kind === "idPrefix") return `substr(${cur}, 1, ${p.add(tg.prefix.length)}) = ${p.add(tg.prefix)}`;
    const t = nextAlias();
    from.push(`triples ${t}`);
    switch (tg.kind) {
      case "value":
        return `${t}.a = ${p.add(tg.attr.id)} AND ${t}.e = ${cur} AND ${matchSql(p, tg.attr.id, tg.match, t)}`;
      case "source": {
        const ids = `(SELECT value FROM json_each(${p.list(tg.ids)}))`;
        return `${t}.a = ${p.add(tg.attr.id)} AND ${t}.v = ${cur} AND ${t}.e ${tg.negate ? "NOT IN" : "IN"} ${ids}`;
      }
      case "isNull": {
        const a = p.add(tg.attr.id);
        const isNull = tg.reverse
          ? `NOT EXISTS (SELECT 1 FROM triples n WHERE n.a = ${a} AND n.v = ${t}.e AND n.vt = ${VT.string})`
          : `(NOT EXISTS (SELECT 1 FROM triples n WHERE n.e = ${t}.e AND n.a = ${a}) OR EXISTS (SELECT 1 FROM triples n WHERE n.e = ${t}.e AND n.a = ${a} AND n.vt = ${VT.null}))`;
        return `${t}.a = ${p.add(tg.idAttr.id)} AND ${t}.e = ${cur} AND ${tg.isNull ? isNull : `NOT ${isNull}`}`;
      }
    }
  }

  function matchSql(p: Params, attrId: string, m: ValueMatch, t: string): string {
    switch (m.kind) {
      case "eq": {
        if (m.values.length === 0) return "0";
        if (m.values.length === 1) {
          const [v] = m.values as [(typeof m.values)[number]];
          return v.vt === VT.null ? `${t}.vt = ${VT.null}` : `${t}.vt = ${v.vt} AND ${t}.v = ${p.add(v.v)}`;
        }
        const byTag = new Map<number, (string | number | null)[]>();
        for (const v of m.values) byTag.set(v.vt, [...(byTag.get(v.vt) ?? []), v.v]);
        const ors = [...byTag].map(([vt, vs]) =>
          vt === VT.null ? `${t}.vt = ${VT.null}` : `(${t}.vt = ${vt} AND ${t}.v IN (SELECT value FROM json_each(${p.list(vs)})))`,
        );
        return `(${ors.join(" OR ")})`;
      }
      case "ne":
        return `NOT (${t}.vt = ${m.value.vt} AND ${t}.v IS ${p.add(m.value.v)})`;
      case "cmp":
        // Dates compare on the stored sort key (epoch ms, indexed by (a, k)); other
        // values on v, which orders strings by code point like the client's `>`.
        return m.date
          ? `${t}.k ${CMP_SQL[m.op]} ${p.add(m.value)}`
          : `${t}.vt = ${m.vt} AND ${t}.v ${CMP_SQL[m.op]} ${p.add(m.value)}`;
      case "like": {
        const plan = planLike(m.pattern, m.caseInsensitive);
        if (plan.kind === "sql") {
          const esc = plan.op === "LIKE" ? ` ESCAPE '\\'` : "";
          return `${t}.vt = ${VT.string} AND ${t}.v ${plan.op} ${p.add(plan.pattern)}${esc}`;
        }
        let ids = likeIds.get(m);
        if (!ids) {
          ids = matchLikeInJs(sql, attrId, m.pattern, m.caseInsensitive);
          likeIds.set(m, ids);
        }
        return `${t}.e IN (SELECT value FROM json_each(${p.list(ids)}))`;
      }
    }
  }

  return { predicate };
}
