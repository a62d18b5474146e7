/**
 * Timing and printing for `npm run bench`. Figures are medians over repeated runs after
 * a warm-up, because these machines are noisy (2 shared cores): one sample says little,
 * the median of many says what a typical call costs. Nothing here asserts on time.
 */
import { cpus, totalmem } from "node:os";

export type Sample = { readonly median: number; readonly p90: number; readonly runs: number };

export type MeasureOpts = {
  /** Untimed calls first, so JIT tiers, statement caches and page cache settle. */
  readonly warmup?: number;
  readonly minRuns?: number;
  readonly maxRuns?: number;
  /** Stop adding runs once this much time went into timed runs (and minRuns are done). */
  readonly budgetMs?: number;
  /**
   * A case whose first call is this slow gets one warm-up and only as many runs as fit
   * in `capMs` (at least 3): a pathological query must not stretch the whole bench.
   */
  readonly capMs?: number;
};

const DEFAULTS = { warmup: 3, minRuns: 9, maxRuns: 300, budgetMs: 600, capMs: 5000 } as const;

/** Times fn repeatedly; `setup` runs untimed before each call (e.g. a write to refresh after). */
export function measure(fn: () => unknown, opts: MeasureOpts = {}, setup?: () => void): Sample {
  const o = { ...DEFAULTS, ...opts };
  let warmup = o.warmup;
  let minRuns = o.minRuns;
  for (let i = 0; i < warmup; i++) {
    setup?.();
    const start = performance.now();
    fn();
    const first = performance.now() - start;
    if (i === 0 && first * (warmup + minRuns) > o.capMs) {
      warmup = 1;
      minRuns = Math.max(3, Math.min(minRuns, Math.floor(o.capMs / first)));
    }
  }
  const times: number[] = [];
  let spent = 0;
  while (times.length < o.maxRuns && (times.length < minRuns || spent < o.budgetMs)) {
    setup?.();
    const start = performance.now();
    fn();
    const ms = performance.now() - start;
    times.push(ms);
    spent += ms;
  }
  return summarize(times);
}

export function summarize(times: readonly number[]): Sample {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, p90: at(0.9), runs: sorted.length };
}

/** Collects garbage between sections when node runs with --expose-gc, so one section's garbage is not billed to the next. */
export function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3));

/** A ratio for the table: "0.12×" reads as "takes 0.12 of the baseline's time". */
export const ratio = (ours: number, baseline: number): string => (baseline > 0 ? `${(ours / baseline).toFixed(ours / baseline >= 10 ? 0 : 2)}×` : "n/a");

export const count = (n: number): string => n.toLocaleString("en-US");

/** Prints a left/right aligned text table (numbers right-aligned). */
export function table(title: string, header: readonly string[], rows: readonly (readonly string[])[], notes: readonly string[] = []): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-\d.,×%/ ]+$|^n\/a$/.test(r[i] ?? "")));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  for (const n of notes) console.log(`  ${n}`);
}

export function machineInfo(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? "unknown cpu";
  return `node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
}
