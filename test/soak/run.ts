/**
 * The soak run: starts `wrangler dev` on loopback with state in a temp directory, makes
 * an app, opens the sessions, applies load at a steady rate for the set duration while
 * sockets are closed and reopened and the dev server is restarted on the same port and
 * state, then quiesces and takes a fresh look at the data from a new socket. It returns
 * everything the checks (checks.ts) judge; it judges nothing itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson } from "../../src/util/json";
import { type DevServer, startDevServer } from "../e2e/dev-server";
import { RawSocket } from "../helpers/raw-socket";
import { waitFor } from "../helpers/wait-for";
import { Rng } from "../sample-library/prng";
import { Ledger } from "./ledger";
import type { SoakParams } from "./params";
import { RssSampler, type RssSample } from "./rss";
import { newSessionStats, type OpMix, type SessionHost, type SessionStats, SoakSession } from "./session";
import { makeWorld, queryShapes, resultKeys, resultTriples, type Shape, setupSteps, type World } from "./world";

const TICK_MS = 20;

export type Restart = { readonly atMs: number; readonly downMs: number };

export type SoakOutcome = {
  readonly params: SoakParams;
  readonly world: World;
  readonly shapes: readonly Shape[];
  readonly ledger: Ledger;
  readonly stats: SessionStats;
  readonly sessions: readonly SoakSession[];
  readonly rss: readonly RssSample[];
  readonly rssMisses: number;
  readonly restarts: readonly Restart[];
  readonly firstStartMs: number;
  readonly loadMs: number;
  readonly totalMs: number;
  /** Op frames the scheduler owed (rate × time) and those it could not place. */
  readonly opsDue: number;
  readonly opsSkipped: number;
  /** Sessions connected and initialised after the quiesce (before teardown closes them). */
  readonly readyAtEnd: number;
  /** What the quiesce waits found (empty when they held). */
  readonly quiesceProblems: readonly string[];
  /** A fresh add-query per subscribed shape (by canonical q), from a new socket. */
  readonly fresh: ReadonlyMap<string, readonly string[]>;
  readonly freshErrors: readonly string[];
  /** Triples of fresh `{items: {}}` and `{owners: {}}`. */
  readonly freshItems: readonly unknown[][];
  readonly freshOwners: readonly unknown[][];
};

async function createApp(url: string): Promise<string> {
  const res = await fetch(`${url}/dash/apps/ephemeral`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: `soak-${Date.now()}` }),
  });
  if (res.status !== 200) throw new Error(`create app failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { app: { id: string } }).app.id;
}

async function initRaw(url: string, appId: string): Promise<RawSocket> {
  const raw = await RawSocket.open(url, appId);
  await raw.request({ op: "init", "client-event-id": "init", "app-id": appId, versions: { "@instantdb/core": "v1.0.67" } }, (f) => f.op === "init-ok" || f.op === "error").then((f) => {
    if (f.op !== "init-ok") throw new Error(`init failed: ${JSON.stringify(f)}`);
  });
  return raw;
}

class Host implements SessionHost {
  restarting = false;
  stopping = false;
  private up: Promise<void> = Promise.resolve();
  private markUp: () => void = () => {};
  constructor(
    readonly url: string,
    readonly appId: string,
    readonly world: World,
    readonly shapes: readonly Shape[],
    readonly ledger: Ledger,
    readonly rng: Rng,
    readonly itemsPerSession: number,
    readonly rooms: readonly string[],
    readonly mix: OpMix,
    readonly stats: SessionStats,
  ) {}
  serverUp(): Promise<void> {
    return this.up;
  }
  beginRestart(): void {
    this.restarting = true;
    this.up = new Promise((ok) => (this.markUp = ok));
  }
  endRestart(): void {
    this.restarting = false;
    this.markUp();
  }
}

export async function runSoak(params: SoakParams, log: (line: string) => void = () => {}): Promise<SoakOutcome> {
  const t0 = performance.now();
  const since = () => performance.now() - t0;
  const dir = mkdtempSync(join(params.stateRoot, "gateway-soak-"));
  let server: DevServer | undefined;
  let sampler: RssSampler | undefined;
  let host: Host | undefined;
  const sessions: SoakSession[] = [];
  try {
    server = await startDevServer(dir);
    const firstStartMs = since();
    const { url, port } = server;
    log(`dev server up on ${url} after ${(firstStartMs / 1000).toFixed(1)} s`);

    const rng = new Rng(params.seed);
    const world = makeWorld(rng, params);
    const shapes = queryShapes(world);
    const appId = await createApp(url);
    const setup = await initRaw(url, appId);
    const setupOk = await setup.request({ op: "transact", "client-event-id": "setup", "tx-steps": setupSteps(world, rng) }, (f) => f["client-event-id"] === "setup");
    setup.close();
    if (setupOk.op !== "transact-ok") throw new Error(`setup transaction failed: ${JSON.stringify(setupOk)}`);

    const ledger = new Ledger();
    const stats = newSessionStats();
    const rooms = Array.from({ length: params.rooms }, (_, i) => `room-${i}`);
    host = new Host(url, appId, world, shapes, ledger, rng, params.itemsPerSession, rooms, params.mix, stats);
    for (let i = 0; i < params.sessions; i++) sessions.push(new SoakSession(i, host));
    for (const s of sessions) s.connect();
    await waitFor(() => sessions.every((s) => s.ready) && ledger.pending.size === 0, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: `${params.sessions} sessions initialised and subscribed`,
    });
    log(`${params.sessions} sessions up at ${(since() / 1000).toFixed(1)} s; load for ${params.durationMs / 1000} s at ${params.opsPerSecond} ops/s`);

    // --- load ---
    const h = host;
    sampler = new RssSampler(() => (h.restarting || !server ? undefined : { pid: server.pid, port }), params.rssIntervalMs, t0);
    sampler.start();
    const restarts: Restart[] = [];
    let restartRun: Promise<void> | undefined;
    const restart = async () => {
      const at = since();
      log(`restart at ${(at / 1000).toFixed(1)} s`);
      h.beginRestart();
      try {
        await server?.stop();
        server = await startDevServer(dir, port);
      } finally {
        h.endRestart();
      }
      restarts.push({ atMs: at, downMs: since() - at });
      log(`server back after ${((since() - at) / 1000).toFixed(1)} s`);
    };
    const loadStart = performance.now();
    let opsDue = 0;
    let opsSkipped = 0;
    let reconnectsDue = 0;
    let restartsDone = 0;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - loadStart;
        if (elapsed >= params.durationMs) {
          clearInterval(timer);
          done();
          return;
        }
        const restartFrac = params.restartAt[restartsDone];
        if (restartFrac !== undefined && !restartRun && elapsed >= restartFrac * params.durationMs) {
          restartsDone++;
          restartRun = restart().finally(() => (restartRun = undefined));
        }
        const owed = Math.floor((params.opsPerSecond * elapsed) / 1000);
        for (; opsDue < owed; opsDue++) {
          const s = rng.pick(sessions);
          if (!s.ready || s.inFlight >= params.maxInFlightPerSession) opsSkipped++;
          else s.randomOp();
        }
        const reconnectsOwed = Math.floor((params.reconnectsPerSecond * elapsed) / 1000);
        for (; reconnectsDue < reconnectsOwed; reconnectsDue++) {
          const s = rng.pick(sessions);
          if (!s.ready) continue;
          // Frames in flight at the close: the exclusions under test.
          for (let n = rng.int(0, 2); n > 0; n--) s.randomOp();
          s.reconnect();
        }
      }, TICK_MS);
    });
    const loadMs = performance.now() - loadStart;
    sampler.stop();
    log(`load done at ${(since() / 1000).toFixed(1)} s`);
    while (restartRun) await restartRun;

    // --- quiesce ---
    const quiesceProblems: string[] = [];
    await waitFor(() => sessions.every((s) => s.ready) && ledger.pending.size === 0, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: "every session connected and every frame answered",
    }).catch((err: Error) => quiesceProblems.push(`${err.message}: ${sessions.filter((s) => !s.ready).length} sessions not ready, ${ledger.pending.size} frames unanswered`));
    await waitFor(() => performance.now() - stats.lastRefreshAt > params.quietMs, {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: `${params.quietMs} ms without a refresh-ok`,
    }).catch((err: Error) => quiesceProblems.push(err.message));
    log(`quiet at ${(since() / 1000).toFixed(1)} s`);
    const readyAtEnd = sessions.filter((s) => s.ready).length;

    // --- a fresh look ---
    const fresh = new Map<string, string[]>();
    const freshErrors: string[] = [];
    const viewer = await initRaw(url, appId);
    const ask = async (q: unknown, cid: string) => {
      const f = await viewer.request({ op: "add-query", "client-event-id": cid, q }, (r) => r["client-event-id"] === cid, 30_000);
      if (f.op !== "add-query-ok") throw new Error(`fresh add-query failed: ${JSON.stringify(f).slice(0, 600)}`);
      return f.result;
    };
    const subscribed = new Map<string, Shape>();
    for (const s of sessions) for (const [key, sub] of s.subs) subscribed.set(key, sub.shape);
    let n = 0;
    for (const [key, shape] of subscribed) {
      try {
        fresh.set(key, resultKeys(await ask(shape.q, `fresh-${n++}`)));
      } catch (err) {
        freshErrors.push(`${shape.key}: ${(err as Error).message}`);
      }
    }
    const freshItems = resultTriples(await ask({ items: {} }, "all-items"));
    const freshOwners = resultTriples(await ask({ owners: {} }, "all-owners"));
    viewer.close();

    return {
      params,
      world,
      shapes,
      ledger,
      stats,
      sessions,
      rss: sampler.samples,
      rssMisses: sampler.misses,
      restarts,
      firstStartMs,
      loadMs,
      totalMs: since(),
      opsDue,
      opsSkipped,
      readyAtEnd,
      quiesceProblems,
      fresh,
      freshErrors,
      freshItems,
      freshOwners,
    };
  } finally {
    sampler?.stop();
    if (host) host.stopping = true;
    for (const s of sessions) s.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The canonical key of a shape's q, as sessions key their subscriptions. */
export const shapeKey = (shape: Shape) => canonicalJson(shape.q as never);
