/**
 * The soak's verdicts, each a pure function of the run's outcome: a name, pass or fail,
 * and the lines that say why. soak.test.ts turns each into one test.
 */
import type { SoakParams } from "./params";
import { lifetimes } from "./rss";
import type { SoakOutcome } from "./run";
import { type ItemFields, itemsFromTriples, type TxKind } from "./world";

export type Verdict = { readonly ok: boolean; readonly lines: readonly string[] };

const OPS = ["add-query", "remove-query", "transact", "join-room", "leave-room", "set-presence", "client-broadcast"] as const;
const TX_KINDS: readonly TxKind[] = ["create", "update", "link", "unlink", "delete"];

/** The run did what was asked of it: enough load, every kind of op and write, the restarts and reconnects. */
export function loadApplied(o: SoakOutcome): Verdict {
  const { params: p, ledger, stats } = o;
  const sent = ledger.total(ledger.sent);
  const target = Math.floor((p.opsPerSecond * p.durationMs) / 1000);
  const problems: string[] = [];
  const opFrames = sent - (ledger.sent.get("init") ?? 0);
  if (opFrames < p.minLoadShare * target) problems.push(`only ${opFrames} op frames of a target ${target} (at least ${p.minLoadShare * 100}% required)`);
  for (const op of OPS) if (!ledger.sent.get(op)) problems.push(`no ${op} was sent`);
  for (const k of TX_KINDS) if (!stats.acked.get(k)) problems.push(`no ${k} write was acknowledged`);
  if (o.restarts.length !== p.restartAt.length) problems.push(`${o.restarts.length} restarts of ${p.restartAt.length} planned`);
  if (stats.deliberateReconnects === 0) problems.push("no deliberate reconnect");
  if (stats.restartDrops === 0 && p.restartAt.length > 0) problems.push("no socket was dropped by a restart");
  return { ok: problems.length === 0, lines: problems };
}

/** Runtime workerd RSS is flat within each process lifetime long enough to judge. */
export function memoryFlat(o: SoakOutcome): Verdict {
  const { params: p } = o;
  const lives = lifetimes(o.rss, { warmupFraction: p.warmupFraction, warmupMinMs: p.warmupMinMs, minWindowMs: p.rssMinWindowMs });
  const lines: string[] = [];
  const judged = lives.filter((l) => l.judged);
  let ok = judged.length > 0;
  if (!ok) lines.push(`no process lifetime was long enough to judge (${o.rss.length} samples)`);
  for (const l of lives) {
    const j = l.judged;
    const verdict = j ? `growth ${pct(j.growth)} (first third ${mb(j.firstThirdKb)}, last third ${mb(j.lastThirdKb)}; limit ${pct(p.rssGrowthLimit)})` : "";
    if (j && j.growth >= p.rssGrowthLimit) ok = false;
    lines.push(`pid ${l.pid}: ${l.note}${verdict ? `; ${verdict}` : ""}`);
  }
  return { ok, lines };
}

/** Every frame with a client-event-id got exactly one reply of its kind, except the excluded. */
export function answeredOnce(o: SoakOutcome): Verdict {
  const { ledger, stats, sessions } = o;
  const lines: string[] = [];
  const notReady = sessions.length - o.readyAtEnd;
  if (ledger.pending.size > 0) {
    const sample = [...ledger.pending.values()].slice(0, 5).map((p) => `${p.op} ${p.cid} of session ${p.session}`);
    lines.push(`${ledger.pending.size} frames never answered, e.g. ${sample.join("; ")}`);
  }
  if (ledger.duplicates) lines.push(`${ledger.duplicates} second replies`);
  if (ledger.strangers) lines.push(`${ledger.strangers} replies to ids never sent`);
  if (ledger.wrongKind) lines.push(`${ledger.wrongKind} replies of the wrong kind`);
  if (ledger.lateAfterExclusion) lines.push(`${ledger.lateAfterExclusion} replies after their frame was excluded`);
  if (stats.unexpectedCloses) lines.push(`${stats.unexpectedCloses} sockets closed by the server outside a restart: ${stats.unexpectedCloseSamples.join(", ")}`);
  if (notReady) lines.push(`${notReady} sessions not connected at the end`);
  lines.push(...o.quiesceProblems, ...ledger.violationSamples);
  const ok = ledger.pending.size === 0 && !ledger.duplicates && !ledger.strangers && !ledger.wrongKind && !ledger.lateAfterExclusion && !stats.unexpectedCloses && !notReady && o.quiesceProblems.length === 0;
  return { ok, lines };
}

/** No valid op was refused, and no refresh failed. */
export function noErrors(o: SoakOutcome): Verdict {
  const { ledger, stats } = o;
  const n = ledger.total(ledger.errors);
  const lines = [
    ...(n ? [`${n} error replies: ${fmtMap(ledger.errors)}`] : []),
    ...ledger.errorSamples,
    ...(stats.pushedErrorCount ? [`${stats.pushedErrorCount} errors pushed without a client-event-id`] : []),
    ...stats.pushedErrors.map((e) => `pushed: ${e}`),
  ];
  return { ok: n === 0 && stats.pushedErrorCount === 0, lines };
}

/** Each live subscription's result, rebuilt from add-query-ok + refresh-ok, equals a fresh add-query. */
export function subscribersMatchFresh(o: SoakOutcome): Verdict {
  const lines: string[] = [...o.freshErrors];
  let compared = 0;
  let mismatched = 0;
  for (const s of o.sessions) {
    for (const [key, sub] of s.subs) {
      const fresh = o.fresh.get(key);
      if (!fresh) continue; // reported through freshErrors
      compared++;
      if (sub.result === null) {
        mismatched++;
        if (lines.length < 10) lines.push(`session ${s.idx} holds no result for ${sub.shape.key}`);
        continue;
      }
      if (sub.result.length === fresh.length && sub.result.every((k, i) => k === fresh[i])) continue;
      mismatched++;
      if (lines.length < 10) {
        const have = new Set(sub.result);
        const want = new Set(fresh);
        const missing = fresh.filter((k) => !have.has(k));
        const extra = sub.result.filter((k) => !want.has(k));
        lines.push(`session ${s.idx}, ${sub.shape.key} (tx ${sub.txId}): missing ${missing.length} ${missing.slice(0, 3).join(" ")}; extra ${extra.length} ${extra.slice(0, 3).join(" ")}`);
      }
    }
  }
  if (o.stats.staleRefreshes) lines.push(`${o.stats.staleRefreshes} refresh-ok went back in processed-tx-id`);
  lines.unshift(`${compared} subscriptions over ${o.fresh.size} distinct queries compared, ${mismatched} differ`);
  const ok = mismatched === 0 && compared > 0 && o.freshErrors.length === 0 && o.stats.staleRefreshes === 0;
  return { ok, lines };
}

const sameFields = (a: ItemFields | null, b: ItemFields | null) =>
  a === null || b === null ? a === b : a.value === b.value && a.score === b.score && a.owner === b.owner;

/** Every acknowledged write's effect is in the data at the end, across restarts; nothing else is. */
export function nothingAckedLost(o: SoakOutcome): Verdict {
  const A = o.world.attrs;
  const actual = itemsFromTriples(A, o.freshItems as unknown[][]);
  const lines: string[] = [];
  let present = 0;
  let absent = 0;
  let uncertainApplied = 0;
  let uncertainNot = 0;
  let bad = 0;
  let unresolved = 0;
  const note = (line: string) => {
    bad++;
    if (lines.length < 10) lines.push(line);
  };
  for (const s of o.sessions) {
    for (const item of s.items) {
      const row = actual.get(item.id);
      actual.delete(item.id);
      const got: ItemFields | null = row?.hasId ? { value: row.value as string, score: row.score as number, owner: (row.owner as string | undefined) ?? null } : null;
      if (item.pending) {
        unresolved++;
        continue;
      }
      if (row?.hasId && (row.name !== item.name || row.group !== item.group)) note(`item ${item.id} has name/group ${row.name}/${row.group}, written ${item.name}/${item.group}`);
      const options = item.lost ? [item.confirmed, item.lost.next] : [item.confirmed];
      if (!options.some((x) => sameFields(x, got))) {
        note(`item ${item.id} (${item.name}) is ${JSON.stringify(got)}; acknowledged ${JSON.stringify(item.confirmed)}${item.lost ? `, or ${item.lost.kind} in flight ${JSON.stringify(item.lost.next)}` : ""}`);
        continue;
      }
      if (item.lost) {
        if (sameFields(got, item.lost.next) && !sameFields(got, item.confirmed)) uncertainApplied++;
        else uncertainNot++;
      } else if (got) present++;
      else absent++;
    }
  }
  const phantoms = [...actual].filter(([, r]) => r.hasId);
  for (const [e] of phantoms.slice(0, 3)) note(`item ${e} exists but no session wrote it`);
  bad += Math.max(0, phantoms.length - 3);
  const owners = new Set(o.freshOwners.filter((t) => t[1] === A.ownerId).map((t) => t[0]));
  const lostOwners = o.world.owners.filter((w) => !owners.has(w.id));
  if (lostOwners.length) note(`${lostOwners.length} owners of the setup transaction are gone`);
  if (unresolved) note(`${unresolved} items still have a write in flight`);
  lines.unshift(
    `acknowledged writes: ${fmtMap(o.stats.acked)}; items: ${present} present and ${absent} absent as acknowledged, ` +
      `${uncertainApplied + uncertainNot} with a write lost in flight (${uncertainApplied} applied, ${uncertainNot} not), ${phantoms.length} unknown`,
  );
  return { ok: bad === 0, lines };
}

/** The checks in report order; each becomes one test, so CI counts them. */
export const soakChecks = (p: SoakParams): readonly { readonly name: string; readonly verdict: (o: SoakOutcome) => Verdict }[] => [
  { name: "the load was applied as planned", verdict: loadApplied },
  { name: `workerd memory stays flat (RSS growth under ${pct(p.rssGrowthLimit)} within a process lifetime)`, verdict: memoryFlat },
  { name: "every op is answered exactly once (frames in flight at a close or restart excluded)", verdict: answeredOnce },
  { name: "no op is answered with an error and no refresh fails", verdict: noErrors },
  { name: "every subscriber's final result equals a fresh query", verdict: subscribersMatchFresh },
  { name: "nothing acknowledged is lost (across restarts)", verdict: nothingAckedLost },
];

export const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
export const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
export const fmtMap = (m: ReadonlyMap<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";
