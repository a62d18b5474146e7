import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import type { OpMix } from "./session";

/**
 * The soak's knobs, in one place: the full run (10 minutes) and the quick run that CI
 * does on every `npm test` (SOAK_QUICK=1, 60 s). Both use the same steady rate, so the
 * quick run is a shorter slice of the same load, not a gentler one.
 */

export type SoakParams = {
  readonly quick: boolean;
  /** Logical clients; each holds one socket at a time and reopens it when told or when it drops. */
  readonly sessions: number;
  /** How long load is applied (dev server start, quiesce and checks come on top). */
  readonly durationMs: number;
  /** The target rate of op frames, all sessions together. */
  readonly opsPerSecond: number;
  /** Deliberate socket close-and-reopen, all sessions together. */
  readonly reconnectsPerSecond: number;
  /** Dev server restarts, as fractions of `durationMs`. */
  readonly restartAt: readonly number[];
  /** A session with this many unanswered frames gets no new op until some are answered. */
  readonly maxInFlightPerSession: number;
  /** Items (entities) a session keeps alive at most; bounds the data set and result sizes. */
  readonly itemsPerSession: number;
  /** Data and room sizes: `groups` where-queries, `owners` nested-link queries, rooms to join. */
  readonly groups: number;
  readonly owners: number;
  readonly rooms: number;
  /** Relative weights of the op kinds (session.ts). */
  readonly mix: OpMix;
  readonly rssIntervalMs: number;
  /** Samples in the first `warmupFraction` of a process lifetime (at least `warmupMinMs`) are warm-up. */
  readonly warmupFraction: number;
  readonly warmupMinMs: number;
  /** A process lifetime is judged only when its window after warm-up is at least this long. */
  readonly rssMinWindowMs: number;
  /** Allowed RSS growth, median of the window's last third over median of its first third. */
  readonly rssGrowthLimit: number;
  /** Quiesced = no refresh-ok for this long. */
  readonly quietMs: number;
  /** The share of the target op count that must actually go out for the run to count. */
  readonly minLoadShare: number;
  readonly seed: number;
  /**
   * Where the dev server keeps its state. A RAM-backed /dev/shm when the machine has one:
   * with state on a slow disk, every write waits for fsync before its reply leaves the
   * object (workerd's output gate), and the soak would measure the disk, not the server.
   * Restarts keep the directory either way, which is all the restart checks need.
   */
  readonly stateRoot: string;
};

const SHM = "/dev/shm";

export function soakParams(env: NodeJS.ProcessEnv = process.env): SoakParams {
  const quick = env.SOAK_QUICK === "1" || env.SOAK_QUICK === "true";
  return {
    quick,
    sessions: 200,
    durationMs: quick ? 60_000 : 600_000,
    // What the server sustains with headroom on a 2-core box running wrangler dev: with
    // 200 sessions holding ~600 subscriptions, each write re-evaluates every subscribed
    // query shape (invalidation is per attr), and the object saturates near 80 frames/s
    // in this mix. SOAK_RATE overrides it to find that point on other machines.
    opsPerSecond: Number(env.SOAK_RATE ?? 40),
    reconnectsPerSecond: quick ? 0.5 : 0.2,
    // Restarts come late, so the first process lives long enough under load to judge
    // its memory; the fresh processes after them are too short-lived to be judged.
    restartAt: quick ? [0.75] : [0.75, 0.9],
    maxInFlightPerSession: 6,
    itemsPerSession: 1,
    groups: 8,
    owners: 8,
    rooms: 20,
    mix: { write: 20, query: 10, presence: 30, broadcast: 25, room: 15 },
    rssIntervalMs: quick ? 1_000 : 3_000,
    warmupFraction: 0.25,
    warmupMinMs: 10_000,
    rssMinWindowMs: quick ? 20_000 : 180_000,
    // workerd's RSS ramps for about two minutes under this load before it levels off
    // (V8 heap and allocator growth), so a 45 s lifetime is all ramp: the quick run only
    // catches gross leaks; the full run judges at 25%.
    rssGrowthLimit: quick ? 0.5 : 0.25,
    quietMs: 1_500,
    minLoadShare: 0.5,
    seed: Number(env.SOAK_SEED ?? 20_260_815) >>> 0,
    stateRoot: existsSync(SHM) ? SHM : tmpdir(),
  };
}

/** Generous bound on the whole soak (server starts, load, restarts, quiesce, checks). */
export const soakTimeoutMs = (p: SoakParams) => p.durationMs + 120_000 + p.restartAt.length * 100_000;
