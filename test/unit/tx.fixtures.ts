/**
 * Shared setup for the transaction engine tests: a migrated in-memory database, the
 * attr registry, an env with a controllable clock and predictable ids, and helpers to
 * build wire attrs and read triples back.
 */
import { type Attr, blobAttr } from "../../src/model/attr";
import type { Triple } from "../../src/model/triple";
import { attrToWire } from "../../src/protocol/attr-wire";
import { AttrRegistry } from "../../src/store/attr-registry";
import { migrate } from "../../src/store/migrations";
import { openNodeSql } from "../../src/store/node-sql";
import { TRIPLE_COLUMNS, type TripleRow, rowToTriple } from "../../src/store/triple-rows";
import { parseTxSteps, transact, type TxEnv, type TxResult } from "../../src/tx";
import { testAuth } from "../helpers/seed";
export { instantError } from "../helpers/instant-error";

/** Deterministic uuids, distinct from the system attrs' ids. */
export const uid = (n: number, prefix = "a"): string =>
  `${prefix.repeat(8)}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export function setup(opts: { isAdmin?: boolean } = {}) {
  const sql = openNodeSql();
  migrate(sql);
  const attrs = new AttrRegistry(sql);
  let clock = 1_700_000_000_000;
  let next = 0;
  const env: TxEnv = {
    sql,
    attrs,
    now: () => clock,
    newId: () => uid(++next, "f"),
    auth: testAuth(opts.isAdmin ?? false),
  };
  const run = (raw: unknown, asAdmin?: boolean): TxResult =>
    transact(asAdmin === undefined ? env : { ...env, auth: testAuth(asAdmin) }, parseTxSteps(raw));
  const triples = (e?: string): Triple[] =>
    (e === undefined
      ? sql.all<TripleRow>(`SELECT ${TRIPLE_COLUMNS} FROM triples ORDER BY e, a, v`)
      : sql.all<TripleRow>(`SELECT ${TRIPLE_COLUMNS} FROM triples WHERE e = ? ORDER BY a, v`, e)
    ).map(rowToTriple);
  const value = (e: string, a: string) => triples(e).filter((t) => t[1] === a).map((t) => t[2]);
  const count = () => sql.all<{ n: number }>(`SELECT COUNT(*) AS n FROM triples`)[0]?.n ?? 0;
  return {
    sql,
    attrs,
    env,
    run,
    triples,
    value,
    count,
    tick: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

export type Fixture = ReturnType<typeof setup>;

type AttrOpts = Partial<Omit<Attr, "id" | "forward" | "reverse">>;

export function blob(n: number, etype: string, label: string, opts: AttrOpts = {}): Attr {
  return { ...blobAttr(uid(n), { id: uid(n, "b"), etype, label }, { unique: label === "id" }), ...opts };
}

/** A link `etype.label` → `revEtype`, named `revEtype.revLabel` from the other side. */
export function link(n: number, etype: string, label: string, revEtype: string, revLabel: string, opts: AttrOpts = {}): Attr {
  return {
    ...blob(n, etype, label),
    reverse: { id: uid(n, "c"), etype: revEtype, label: revLabel },
    valueType: "ref",
    cardinality: "many",
    unique: false,
    ...opts,
  };
}

export const addAttr = (attr: Attr) => ["add-attr", attrToWire(attr)];


/** Entity ids used across tests. */
export const E = (n: number) => uid(n, "e");
