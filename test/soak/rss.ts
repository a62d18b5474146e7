/**
 * Memory of the dev server while the soak runs. `wrangler dev` runs two workerd
 * processes below it: a proxy bound to the public port (wrangler's own, it relays every
 * socket) and the runtime that hosts the Worker and the app's Durable Object. The
 * sampler finds both among the descendants of the wrangler process we spawned and reads
 * their resident set size every few seconds; the runtime's is the figure under check,
 * the proxy's is reported.
 *
 * Processes are read from procfs (Linux: the kernel's process table, so it names no
 * machine's layout) and, where there is none, from `ps`.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { promisify } from "node:util";

type Proc = { pid: number; ppid: number; name: string; rssKb: number; args: string };

const PROCFS = join(sep, "proc");

async function procfsList(): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const entry of await readdir(PROCFS)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = await readFile(join(PROCFS, entry, "status"), "utf8");
      const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, "m").exec(status)?.[1] ?? "";
      const name = field("Name");
      const args = name === "workerd" ? (await readFile(join(PROCFS, entry, "cmdline"), "utf8")).replaceAll("\0", " ") : "";
      out.push({ pid: Number(entry), ppid: Number(field("PPid")), name, rssKb: Number.parseInt(field("VmRSS"), 10) || 0, args });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

async function psList(): Promise<Proc[]> {
  const { stdout } = await promisify(execFile)("ps", ["-A", "-o", "pid=,ppid=,rss=,args="]);
  return stdout
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const args = m[4] as string;
      const exe = args.split(" ")[0] ?? "";
      return { pid: Number(m[1]), ppid: Number(m[2]), rssKb: Number(m[3]), args, name: exe.slice(exe.lastIndexOf("/") + 1) };
    });
}

export const listProcesses = (): Promise<Proc[]> => (existsSync(PROCFS) ? procfsList() : psList());

export type WorkerdPair = { runtime: Proc; proxy: Proc | undefined };

/** The workerd processes below `rootPid`; the proxy is the one serving `port`. */
export async function findWorkerd(rootPid: number, port: number): Promise<WorkerdPair | undefined> {
  const procs = await listProcesses();
  const below = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  const workerds = procs.filter((p) => below.has(p.pid) && p.name === "workerd");
  const isProxy = (p: Proc) => p.args.includes(`entry=127.0.0.1:${port} `);
  const runtimes = workerds.filter((p) => !isProxy(p));
  const runtime = runtimes.length === 1 ? runtimes[0] : runtimes.find((p) => p.args.includes("--inspector-addr"));
  return runtime ? { runtime, proxy: workerds.find(isProxy) } : undefined;
}

export type RssSample = { readonly t: number; readonly pid: number; readonly rssKb: number; readonly proxyRssKb: number | undefined };

/** Samples on a timer until stopped; `target()` says which wrangler to look under (it changes on restarts). */
export class RssSampler {
  readonly samples: RssSample[] = [];
  misses = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly target: () => { pid: number; port: number } | undefined,
    private readonly intervalMs: number,
    private readonly t0: number,
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const where = this.target();
    if (!where || this.busy) return;
    this.busy = true;
    try {
      const pair = await findWorkerd(where.pid, where.port);
      if (!pair) this.misses++;
      else this.samples.push({ t: performance.now() - this.t0, pid: pair.runtime.pid, rssKb: pair.runtime.rssKb, proxyRssKb: pair.proxy?.rssKb });
    } finally {
      this.busy = false;
    }
  }
}

export type Lifetime = {
  readonly pid: number;
  readonly samples: readonly RssSample[];
  readonly firstKb: number;
  readonly lastKb: number;
  readonly maxKb: number;
  /** Set when the lifetime's post-warm-up window is long enough to judge. */
  readonly judged?: { readonly windowMs: number; readonly firstThirdKb: number; readonly lastThirdKb: number; readonly growth: number };
  readonly note: string;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Splits samples into process lifetimes (one per runtime pid, so a restart's fresh
 * process is never compared with the old one), drops each lifetime's warm-up, and
 * compares the median RSS of the last third of what remains with that of the first.
 */
export function lifetimes(samples: readonly RssSample[], opts: { warmupFraction: number; warmupMinMs: number; minWindowMs: number }): Lifetime[] {
  const groups: RssSample[][] = [];
  for (const s of samples) {
    const last = groups.at(-1);
    if (last && last[0]?.pid === s.pid) last.push(s);
    else groups.push([s]);
  }
  return groups.map((g) => {
    const start = (g[0] as RssSample).t;
    const end = (g.at(-1) as RssSample).t;
    const warmEnd = start + Math.max(opts.warmupMinMs, (end - start) * opts.warmupFraction);
    const base = {
      pid: (g[0] as RssSample).pid,
      samples: g,
      firstKb: (g[0] as RssSample).rssKb,
      lastKb: (g.at(-1) as RssSample).rssKb,
      maxKb: Math.max(...g.map((s) => s.rssKb)),
    };
    const window = g.filter((s) => s.t >= warmEnd);
    const windowMs = end - warmEnd;
    if (windowMs < opts.minWindowMs || window.length < 6) {
      return { ...base, note: `lifetime ${Math.round((end - start) / 1000)} s: window after warm-up ${Math.round(Math.max(0, windowMs) / 1000)} s is under ${opts.minWindowMs / 1000} s, not judged` };
    }
    const third = windowMs / 3;
    const firstThirdKb = median(window.filter((s) => s.t < warmEnd + third).map((s) => s.rssKb));
    const lastThirdKb = median(window.filter((s) => s.t >= end - third).map((s) => s.rssKb));
    const growth = lastThirdKb / firstThirdKb - 1;
    return {
      ...base,
      judged: { windowMs, firstThirdKb, lastThirdKb, growth },
      note: `lifetime ${Math.round((end - start) / 1000)} s, judged over ${Math.round(windowMs / 1000)} s after warm-up`,
    };
  });
}
