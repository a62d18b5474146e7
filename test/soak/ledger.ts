/**
 * The books of "every op is answered exactly once": each frame sent with a
 * `client-event-id` is entered as pending; its reply settles it. A second reply, a reply
 * nobody asked for, or a reply of the wrong kind is recorded as a violation. Frames that
 * were in flight when their socket went away on purpose (a deliberate close, a server
 * restart) are moved out of pending into `excluded`, counted by reason, and never
 * expected again.
 */

// biome-ignore lint: frames are arbitrary JSON.
export type Frame = Record<string, any>;

/** The replies each op may get (besides `error`), docs/protocol.md §3.1 and §6. */
export const REPLIES: Readonly<Record<string, readonly string[]>> = {
  init: ["init-ok"],
  "add-query": ["add-query-ok", "add-query-exists"],
  "remove-query": ["remove-query-ok"],
  transact: ["transact-ok"],
  "join-room": ["join-room-ok"],
  "leave-room": ["leave-room-ok"],
  "set-presence": ["set-presence-ok"],
  "client-broadcast": ["client-broadcast-ok"],
};

export type ExclusionReason = "deliberate close" | "restart" | "unexpected close";

export type Pending<C = unknown> = {
  readonly cid: string;
  readonly op: string;
  readonly session: number;
  readonly sentAt: number;
  readonly ctx: C;
};

const SAMPLES = 5;
/** A frame for a report line; an error's echoed original-event is cut down to its op and id. */
const short = (f: Frame) => {
  const o = f["original-event"];
  const g = o && typeof o === "object" ? { ...f, "original-event": { op: o.op, "client-event-id": o["client-event-id"] } } : f;
  return JSON.stringify(g).slice(0, 600);
};

export class Ledger {
  readonly sent = new Map<string, number>();
  readonly answered = new Map<string, number>();
  readonly errors = new Map<string, number>();
  readonly excluded = new Map<ExclusionReason, number>();
  readonly excludedByOp = new Map<string, number>();
  readonly latencies = new Map<string, number[]>();
  /** [sent at, latency] of every answered frame, ms on performance.now(); for the timeline. */
  readonly timeline: [number, number][] = [];
  readonly pending = new Map<string, Pending>();
  /** Ids already settled (answered or excluded), to tell a duplicate from a stranger. */
  private readonly settled = new Map<string, "answered" | ExclusionReason>();
  duplicates = 0;
  strangers = 0;
  wrongKind = 0;
  lateAfterExclusion = 0;
  readonly violationSamples: string[] = [];
  readonly errorSamples: string[] = [];

  send<C>(cid: string, op: string, session: number, ctx: C): void {
    this.pending.set(cid, { cid, op, session, sentAt: performance.now(), ctx });
    bump(this.sent, op);
  }

  /** Settles the pending entry a reply names; undefined when the reply answers nothing pending. */
  answer(cid: string, reply: Frame): Pending | undefined {
    const p = this.pending.get(cid);
    if (!p) {
      const was = this.settled.get(cid);
      if (was === "answered") this.duplicates++;
      else if (was) this.lateAfterExclusion++;
      else this.strangers++;
      this.sample(`${was === "answered" ? "second reply" : was ? `reply after exclusion (${was})` : "reply to an id never sent"}: ${short(reply)}`);
      return undefined;
    }
    this.pending.delete(cid);
    this.settled.set(cid, "answered");
    bump(this.answered, p.op);
    let lat = this.latencies.get(p.op);
    if (!lat) this.latencies.set(p.op, (lat = []));
    const ms = performance.now() - p.sentAt;
    lat.push(ms);
    this.timeline.push([p.sentAt, ms]);
    if (reply.op === "error") {
      bump(this.errors, p.op);
      if (this.errorSamples.length < SAMPLES) this.errorSamples.push(`${p.op} → ${short(reply)}`);
    } else if (!REPLIES[p.op]?.includes(reply.op)) {
      this.wrongKind++;
      this.sample(`${p.op} answered by ${reply.op}: ${short(reply)}`);
    }
    return p;
  }

  /** Moves a session's pending frames out of the books; returns them. */
  exclude(session: number, reason: ExclusionReason): Pending[] {
    const out: Pending[] = [];
    for (const p of this.pending.values()) {
      if (p.session !== session) continue;
      this.pending.delete(p.cid);
      this.settled.set(p.cid, reason);
      bump(this.excluded, reason);
      bump(this.excludedByOp, p.op);
      out.push(p);
    }
    return out;
  }

  inFlight(session: number): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.session === session) n++;
    return n;
  }

  sample(line: string): void {
    if (this.violationSamples.length < SAMPLES * 2) this.violationSamples.push(line);
  }

  total(m: Map<string, number>): number {
    let n = 0;
    for (const v of m.values()) n += v;
    return n;
  }
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}
