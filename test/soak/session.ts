/**
 * One logical client of the soak: a raw protocol client over Node's WebSocket that keeps
 * what a real client keeps across sockets (its subscriptions, its rooms and presence, the
 * items it writes) and re-sends it after every `init-ok`, as the SDK does
 * (docs/protocol.md §1.6). It enters every frame with a `client-event-id` in the ledger,
 * rebuilds each subscription's result from `add-query-ok` and `refresh-ok` (§6.2, §6.5,
 * §7.1), and tracks its items' states for the final durability check.
 *
 * Frames are handled as they arrive and not kept: 200 of these run for ten minutes.
 */
import { canonicalJson } from "../../src/util/json";
import type { Rng } from "../sample-library/prng";
import type { ExclusionReason, Frame, Ledger, Pending } from "./ledger";
import { type ItemFields, resultKeys, type Shape, type TrackedItem, type TxKind, txSteps, type World } from "./world";

const MAX_SUBS = 4;
const MIN_SUBS = 2;

/** What a session needs from the run around it. */
export interface SessionHost {
  readonly url: string;
  readonly appId: string;
  readonly world: World;
  readonly shapes: readonly Shape[];
  readonly ledger: Ledger;
  readonly rng: Rng;
  readonly itemsPerSession: number;
  readonly rooms: readonly string[];
  readonly mix: OpMix;
  readonly stats: SessionStats;
  /** True from the moment a restart begins until the new server answers. */
  readonly restarting: boolean;
  /** True once the run is tearing down: drops are expected and nobody reconnects. */
  readonly stopping: boolean;
  /** Resolves at once, or when the restart under way is over. */
  serverUp(): Promise<void>;
}

export type SessionStats = {
  received: Map<string, number>;
  deliberateReconnects: number;
  restartDrops: number;
  unexpectedCloses: number;
  connectFailures: number;
  lastRefreshAt: number;
  /** refresh-ok whose processed-tx-id went backwards for a subscription. */
  staleRefreshes: number;
  /** Errors pushed without a client-event-id (a refresh that failed, §6.5), and a few of them. */
  pushedErrorCount: number;
  pushedErrors: string[];
  unexpectedCloseSamples: string[];
  /** transact-ok by kind of write. */
  acked: Map<TxKind, number>;
};

export const newSessionStats = (): SessionStats => ({
  received: new Map(),
  deliberateReconnects: 0,
  restartDrops: 0,
  unexpectedCloses: 0,
  connectFailures: 0,
  lastRefreshAt: 0,
  staleRefreshes: 0,
  pushedErrorCount: 0,
  pushedErrors: [],
  unexpectedCloseSamples: [],
  acked: new Map(),
});

export type Sub = {
  readonly shape: Shape;
  /** The add-query of the current socket. */
  cid: string | null;
  /** Sorted [e, a, v] keys of the result as the session holds it; null until add-query-ok. */
  result: string[] | null;
  txId: number;
};

/** Relative weights of the op kinds a session picks from. */
export type OpMix = { readonly write: number; readonly query: number; readonly presence: number; readonly broadcast: number; readonly room: number };

type OpCtx = {
  key?: string;
  item?: TrackedItem;
  txKind?: TxKind;
  next?: ItemFields | null;
};

export class SoakSession {
  ready = false;
  readonly subs = new Map<string, Sub>();
  readonly rooms = new Map<string, Record<string, unknown>>();
  /** Every item this session ever wrote, for the final check. */
  readonly items: TrackedItem[] = [];
  /** Items that exist (or are being created) and may be written. */
  private active: TrackedItem[] = [];
  private ws: WebSocket | null = null;
  private attempt = 0;
  private seq = 0;

  constructor(
    readonly idx: number,
    private readonly host: SessionHost,
  ) {
    const rng = host.rng;
    for (const shape of rng.some(host.shapes, 3)) this.subs.set(canonicalJson(shape.q as never), { shape, cid: null, result: null, txId: 0 });
    while (this.subs.size < MIN_SUBS) {
      const shape = rng.pick(host.shapes);
      this.subs.set(canonicalJson(shape.q as never), { shape, cid: null, result: null, txId: 0 });
    }
    this.rooms.set(rng.pick(host.rooms), { name: `s${idx}`, seq: 0 });
  }

  get inFlight(): number {
    return this.host.ledger.inFlight(this.idx);
  }

  // --- connection -------------------------------------------------------------

  connect(): void {
    if (this.host.stopping) return;
    const ws = new WebSocket(`${this.host.url.replace(/^http/, "ws")}/runtime/session?app_id=${this.host.appId}`);
    this.ws = ws;
    this.ready = false;
    let opened = false;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (this.ws !== ws) return; // replaced on purpose; already accounted for
      this.ws = null;
      this.ready = false;
      this.dropped(opened);
    };
    // Node's WebSocket may neither open nor close on a connection that hangs; give up on it.
    const timer = setTimeout(() => {
      if (opened) return;
      end();
      ws.close();
    }, 15_000);
    ws.addEventListener("open", () => {
      opened = true;
      clearTimeout(timer);
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.send("init", { "app-id": this.host.appId, versions: { "@instantdb/core": "v1.0.67" } }, {});
    });
    ws.addEventListener("message", (e) => {
      if (this.ws === ws) this.onData(String(e.data));
    });
    ws.addEventListener("close", end);
    ws.addEventListener("error", end);
  }

  /** Closes the socket with whatever is in flight and opens a new one at once. */
  reconnect(): void {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.ready = false;
    this.lose(this.host.ledger.exclude(this.idx, "deliberate close"));
    this.host.stats.deliberateReconnects++;
    ws.close();
    this.connect();
  }

  close(): void {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    ws?.close();
  }

  private dropped(opened: boolean): void {
    const { stats, ledger } = this.host;
    const reason: ExclusionReason = this.host.restarting ? "restart" : this.host.stopping ? "deliberate close" : "unexpected close";
    this.lose(ledger.exclude(this.idx, reason));
    if (!opened) stats.connectFailures++;
    else if (reason === "restart") stats.restartDrops++;
    else if (reason === "unexpected close") {
      stats.unexpectedCloses++;
      if (stats.unexpectedCloseSamples.length < 5) stats.unexpectedCloseSamples.push(`session ${this.idx} at ${new Date().toISOString()}`);
    }
    if (this.host.stopping) return;
    void this.host.serverUp().then(() => {
      const delay = Math.min(2_000, 100 * this.attempt++) + this.host.rng.int(0, 100);
      setTimeout(() => this.connect(), delay);
    });
  }

  /** Writes that were in flight on a socket that went away: their outcome is unknown. */
  private lose(pending: Pending[]): void {
    for (const p of pending) {
      const ctx = p.ctx as OpCtx;
      if (p.op !== "transact" || !ctx.item) continue;
      const item = ctx.item;
      item.pending = null;
      item.lost = { kind: ctx.txKind as TxKind, next: ctx.next ?? null };
      this.active = this.active.filter((i) => i !== item);
    }
  }

  private send(op: string, body: Frame, ctx: OpCtx): string {
    const cid = crypto.randomUUID();
    this.host.ledger.send(cid, op, this.idx, ctx);
    (this.ws as WebSocket).send(JSON.stringify({ op, "client-event-id": cid, ...body }));
    return cid;
  }

  // --- incoming ---------------------------------------------------------------

  private onData(text: string): void {
    const parsed = JSON.parse(text) as Frame | Frame[];
    for (const f of Array.isArray(parsed) ? parsed : [parsed]) this.onFrame(f);
  }

  private onFrame(f: Frame): void {
    const { stats, ledger } = this.host;
    stats.received.set(f.op, (stats.received.get(f.op) ?? 0) + 1);
    const cid = f["client-event-id"];
    if (typeof cid === "string") {
      const p = ledger.answer(cid, f);
      if (p) this.onReply(p, f);
      return;
    }
    if (f.op === "refresh-ok") {
      stats.lastRefreshAt = performance.now();
      for (const c of f.computations ?? []) {
        const sub = this.subs.get(canonicalJson(c["instaql-query"]));
        // A refresh for a query removed (or re-added and not yet answered) on this socket.
        if (!sub || sub.result === null) continue;
        if (f["processed-tx-id"] < sub.txId) stats.staleRefreshes++;
        sub.result = resultKeys(c["instaql-result"]);
        sub.txId = f["processed-tx-id"];
      }
    } else if (f.op === "error") {
      stats.pushedErrorCount++;
      if (stats.pushedErrors.length < 5) stats.pushedErrors.push(JSON.stringify(f).slice(0, 600));
    }
  }

  private onReply(p: Pending, f: Frame): void {
    const ctx = p.ctx as OpCtx;
    const ok = f.op !== "error";
    switch (p.op) {
      case "init":
        if (ok) this.resume();
        break;
      case "add-query": {
        const sub = this.subs.get(ctx.key as string);
        if (ok && f.op === "add-query-ok" && sub && sub.cid === p.cid) {
          sub.result = resultKeys(f.result);
          sub.txId = f["processed-tx-id"];
        }
        break;
      }
      case "transact": {
        const item = ctx.item as TrackedItem;
        item.pending = null;
        if (!ok) {
          // Nothing was written (docs/protocol.md §4.4); a refused create leaves no item.
          if (item.confirmed === null) this.active = this.active.filter((i) => i !== item);
          break;
        }
        this.host.stats.acked.set(ctx.txKind as TxKind, (this.host.stats.acked.get(ctx.txKind as TxKind) ?? 0) + 1);
        item.confirmed = ctx.next ?? null;
        if (item.confirmed === null) this.active = this.active.filter((i) => i !== item);
        break;
      }
    }
  }

  /** After init-ok: the session's queries and rooms again, as the SDK re-sends them. */
  private resume(): void {
    for (const [key, sub] of this.subs) {
      sub.result = null;
      sub.cid = this.send("add-query", { q: sub.shape.q }, { key });
    }
    for (const [room, data] of this.rooms) this.send("join-room", { "room-type": "soak", "room-id": room, data }, {});
    this.ready = true;
  }

  // --- load -------------------------------------------------------------------

  /** One op frame, chosen at random. */
  randomOp(): void {
    const m = this.host.mix;
    let r = this.host.rng.next() * (m.write + m.query + m.presence + m.broadcast + m.room);
    if ((r -= m.write) < 0) this.randomWrite();
    else if ((r -= m.query) < 0) this.churnQuery();
    else if ((r -= m.presence) < 0) this.setPresence();
    else if ((r -= m.broadcast) < 0) this.broadcast();
    else this.churnRoom();
  }

  randomWrite(): void {
    const { rng, world } = this.host;
    const writable = this.active.filter((i) => !i.pending && i.confirmed);
    const creating = this.active.length < this.host.itemsPerSession;
    if (creating && (writable.length === 0 || rng.chance(0.5))) {
      const n = ++this.seq;
      const item: TrackedItem = {
        id: rng.uuid(),
        name: `s${this.idx}-${n}`,
        group: rng.int(0, world.groups - 1),
        session: this.idx,
        confirmed: null,
        pending: null,
        lost: null,
      };
      this.items.push(item);
      this.active.push(item);
      const owner = rng.chance(0.9) ? rng.pick(world.owners).id : null;
      return this.write(item, "create", { value: `v${this.idx}-${n}`, score: rng.int(0, 1_000_000), owner });
    }
    if (writable.length === 0) return this.setPresence();
    const item = rng.pick(writable);
    const now = item.confirmed as ItemFields;
    const r = rng.next();
    if (r < 0.45) {
      const score = rng.chance(0.5) ? rng.int(0, 1_000_000) : now.score;
      return this.write(item, "update", { ...now, value: `v${this.idx}-${++this.seq}`, score });
    }
    if (r < 0.7) {
      if (now.owner !== null && rng.chance(0.3)) return this.write(item, "unlink", { ...now, owner: null });
      return this.write(item, "link", { ...now, owner: rng.pick(world.owners).id });
    }
    return this.write(item, "delete", null);
  }

  private write(item: TrackedItem, kind: TxKind, next: ItemFields | null): void {
    const steps = txSteps(this.host.world.attrs, item, kind, next);
    const cid = this.send("transact", { "tx-steps": steps }, { item, txKind: kind, next });
    item.pending = { cid, kind, next };
  }

  churnQuery(): void {
    const { rng, shapes } = this.host;
    if (this.subs.size >= MAX_SUBS || (this.subs.size > MIN_SUBS && rng.chance(0.5))) {
      const [key, sub] = rng.pick([...this.subs]);
      this.subs.delete(key);
      this.send("remove-query", { q: sub.shape.q }, { key });
      return;
    }
    const free = shapes.filter((s) => !this.subs.has(canonicalJson(s.q as never)));
    const shape = rng.pick(free);
    const key = canonicalJson(shape.q as never);
    const sub: Sub = { shape, cid: null, result: null, txId: 0 };
    this.subs.set(key, sub);
    sub.cid = this.send("add-query", { q: shape.q }, { key });
  }

  setPresence(): void {
    const { rng } = this.host;
    const room = rng.pick([...this.rooms.keys()]);
    const data = { name: `s${this.idx}`, seq: ++this.seq, cursor: { x: rng.int(0, 1000), y: rng.int(0, 1000) } };
    this.rooms.set(room, data);
    this.send("set-presence", { "room-id": room, data }, {});
  }

  broadcast(): void {
    const { rng } = this.host;
    const room = rng.pick([...this.rooms.keys()]);
    this.send("client-broadcast", { "room-id": room, roomType: "soak", topic: "ping", data: { from: this.idx, seq: ++this.seq } }, {});
  }

  churnRoom(): void {
    const { rng } = this.host;
    if (this.rooms.size >= 3 || (this.rooms.size > 1 && rng.chance(0.5))) {
      const room = rng.pick([...this.rooms.keys()]);
      this.rooms.delete(room);
      this.send("leave-room", { "room-id": room }, {});
      return;
    }
    const room = rng.pick(this.host.rooms.filter((r) => !this.rooms.has(r)));
    const data = { name: `s${this.idx}`, seq: ++this.seq };
    this.rooms.set(room, data);
    this.send("join-room", { "room-type": "soak", "room-id": room, data }, {});
  }
}
