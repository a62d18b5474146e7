/**
 * The soak's figures as printable lines: what was sent and answered, latency, reconnects,
 * restarts, memory, duration. Printed at the end of the run by the soak reporter.
 */
import { fmtMap, mb, pct } from "./checks";
import { percentile } from "./ledger";
import { lifetimes } from "./rss";
import type { SoakOutcome } from "./run";

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms1 = (ms: number) => (Number.isNaN(ms) ? "-" : ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

export function figures(o: SoakOutcome): string[] {
  const { params: p, ledger, stats } = o;
  const sent = ledger.total(ledger.sent);
  const answered = ledger.total(ledger.answered);
  const excluded = ledger.total(ledger.excluded);
  const all = [...ledger.latencies.values()].flat().sort((a, b) => a - b);
  const latency = [...ledger.latencies]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([op, xs]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `${op} ${ms1(percentile(sorted, 50))}/${ms1(percentile(sorted, 99))}`;
    });
  const lives = lifetimes(o.rss, { warmupFraction: p.warmupFraction, warmupMinMs: p.warmupMinMs, minWindowMs: p.rssMinWindowMs });
  const received = ["refresh-ok", "refresh-presence", "patch-presence", "server-broadcast"].map((op) => `${op} ${stats.received.get(op) ?? 0}`);
  const subs = o.sessions.reduce((n, s) => n + s.subs.size, 0);
  const items = o.sessions.reduce((n, s) => n + s.items.length, 0);
  const proxy = o.rss.filter((r) => r.proxyRssKb !== undefined);
  return [
    `soak (${p.quick ? "quick" : "full"}, seed ${p.seed}): ${p.sessions} sessions, load ${s1(o.loadMs)} at a target of ${p.opsPerSecond} ops/s; total ${s1(o.totalMs)} (first dev server start ${s1(o.firstStartMs)})`,
    `ops sent: ${sent} (${fmtMap(ledger.sent)})`,
    `throughput: ${((sent - (ledger.sent.get("init") ?? 0)) / (o.loadMs / 1000)).toFixed(1)} op frames/s achieved; ${o.opsSkipped} of ${o.opsDue} scheduled ops skipped (session reconnecting or at its in-flight cap of ${p.maxInFlightPerSession})`,
    `answered: ${answered} (errors ${ledger.total(ledger.errors)}); excluded: ${excluded} (${fmtMap(ledger.excluded)}; by op ${fmtMap(ledger.excludedByOp)}); unanswered: ${ledger.pending.size}`,
    `latency p50/p99 ms: all ${ms1(percentile(all, 50))}/${ms1(percentile(all, 99))}; ${latency.join("; ")}`,
    `reconnects: ${stats.deliberateReconnects} deliberate, ${stats.restartDrops} after restarts; failed connection attempts ${stats.connectFailures}; unexpected closes ${stats.unexpectedCloses}`,
    `restarts: ${o.restarts.length}${o.restarts.map((r) => ` (at ${s1(r.atMs)}, down ${s1(r.downMs)})`).join("")}`,
    `pushed: ${received.join(", ")}`,
    `data: ${items} items written, ${subs} live subscriptions at the end; acknowledged writes ${fmtMap(stats.acked)}`,
    ...lives.map(
      (l, i) =>
        `RSS runtime workerd, lifetime ${i + 1} (pid ${l.pid}, ${l.samples.length} samples): first ${mb(l.firstKb)}, last ${mb(l.lastKb)}, max ${mb(l.maxKb)}` +
        (l.judged ? `; after warm-up ${mb(l.judged.firstThirdKb)} → ${mb(l.judged.lastThirdKb)} (${pct(l.judged.growth)})` : "; not judged (too short)"),
    ),
    `RSS runtime workerd over time (s: MB): ${rssTimeline(o)}`,
    proxy.length
      ? `RSS proxy workerd (wrangler's, not judged): first ${mb(proxy[0]?.proxyRssKb as number)}, last ${mb(proxy.at(-1)?.proxyRssKb as number)}`
      : "RSS proxy workerd: not found",
  ];
}

/** About a dozen evenly spaced samples, restarts marked by the change of pid. */
function rssTimeline(o: SoakOutcome): string {
  const step = Math.max(1, Math.floor(o.rss.length / 12));
  let pid = o.rss[0]?.pid;
  const out: string[] = [];
  o.rss.forEach((r, i) => {
    const restarted = r.pid !== pid;
    pid = r.pid;
    if (i % step === 0 || restarted || i === o.rss.length - 1) out.push(`${restarted ? "| restart | " : ""}${Math.round(r.t / 1000)}: ${Math.round(r.rssKb / 1024)}`);
  });
  return out.join(", ");
}
