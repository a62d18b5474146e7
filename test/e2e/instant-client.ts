/**
 * Runs the real, unmodified @instantdb/core client in Node against the gateway: the
 * shims it needs outside a browser (a `window`, memory storage, an always-online
 * network listener), app creation through the dashboard route, and a subscription
 * recorder whose waits are predicates with timeouts.
 */
import { type InstantCoreDatabase, init, StoreInterface } from "@instantdb/core";
import { waitFor } from "../helpers/wait-for";

// The reactor only starts networking when it believes it runs in a client.
(globalThis as { window?: unknown }).window ??= globalThis;

/**
 * Node's WebSocket, when a connection attempt is refused (e.g. while the dev server
 * restarts), fires `error` but then neither fires `close` nor leaves CONNECTING.
 * Browsers fire `close` and report CLOSED, and the Instant client relies on both: it
 * reconnects on `close`, and skips a reconnect while its transport is "connecting".
 * Make failed attempts behave as in a browser, so the reconnects under test are the
 * ones users get.
 */
class BrowserLikeWebSocket extends WebSocket {
  private failed = false;
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    let closed = false;
    this.addEventListener("close", () => (closed = true));
    this.addEventListener("error", () => {
      if (super.readyState === WebSocket.OPEN) return;
      this.failed = true;
      setTimeout(() => {
        if (closed) return;
        closed = true;
        this.dispatchEvent(new Event("close"));
      }, 0);
    });
  }
  override get readyState(): number {
    return this.failed ? WebSocket.CLOSED : super.readyState;
  }
}
globalThis.WebSocket = BrowserLikeWebSocket;

class MemoryStore extends StoreInterface {
  constructor(
    appId: string,
    storeName: string,
    private readonly items = new Map<string, unknown>(),
  ) {
    super(appId, storeName as never);
  }
  async getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  async setItem(k: string, v: unknown) {
    this.items.set(k, v);
  }
  async removeItem(k: string) {
    this.items.delete(k);
  }
  async getAllKeys() {
    return [...this.items.keys()];
  }
  async multiSet(pairs: [string, unknown][]) {
    for (const [k, v] of pairs) this.items.set(k, v);
  }
}

/** A Storage class for init's 2nd argument: constructed by the SDK per (app id, store name). */
export type StorageClass = new (appId: string, storeName: string) => StoreInterface;

/**
 * One device's persistent storage: every client given the returned class reads and
 * writes the same stores (by app id and store name), so a client started after another
 * shut down finds what the first one saved, as after a page reload. Values are copied in
 * and out, as IndexedDB does.
 */
export function deviceStorage(): StorageClass {
  const stores = new Map<string, Map<string, unknown>>();
  class CopyingStore extends MemoryStore {
    override async getItem(k: string) {
      const v = await super.getItem(k);
      return v === null ? null : structuredClone(v);
    }
    override async setItem(k: string, v: unknown) {
      await super.setItem(k, structuredClone(v));
    }
    override async multiSet(pairs: [string, unknown][]) {
      await super.multiSet(pairs.map(([k, v]) => [k, structuredClone(v)]));
    }
  }
  return class DeviceStore extends CopyingStore {
    constructor(appId: string, storeName: string) {
      const key = `${appId}/${storeName}`;
      let items = stores.get(key);
      if (!items) stores.set(key, (items = new Map()));
      super(appId, storeName, items);
    }
  };
}

const alwaysOnline = { getIsOnline: async () => true, listen: () => () => {} };

let clientCounter = 0;

// biome-ignore lint: the schema type parameter is the SDK's own.
export type Db = InstantCoreDatabase<any, false>;

export type ClientOptions = {
  schema?: unknown;
  adminToken?: string;
  /** An EventSource implementation, as @instantdb/react passes one (enables SSE fallback). */
  eventSource?: unknown;
  /** Overrides the WebSocket URL (e.g. a dead port, to force the SSE fallback). */
  websocketURI?: string;
  /** Persistent storage shared with other clients (deviceStorage()); default: the client's own memory. */
  storage?: StorageClass;
};

export function connectClient(gatewayUrl: string, appId: string, opts: ClientOptions = {}): Db {
  const config = {
    appId,
    apiURI: gatewayUrl,
    websocketURI: opts.websocketURI ?? `${gatewayUrl.replace(/^http/, "ws")}/runtime/session`,
    schema: opts.schema,
    // Distinct clients in one process: init() otherwise returns a cached instance.
    __extraDedupeKey: `client-${++clientCounter}`,
    ...(opts.adminToken ? { __adminToken: opts.adminToken } : {}),
    devtool: false,
  };
  // biome-ignore lint: init's config type does not list the hidden keys.
  return init(config as any, (opts.storage ?? MemoryStore) as any, alwaysOnline as any, undefined, opts.eventSource as any) as Db;
}

export type CreatedApp = { id: string; adminToken: string };

export async function createApp(gatewayUrl: string, body: { schema?: unknown; rules?: unknown } = {}): Promise<CreatedApp> {
  const res = await fetch(`${gatewayUrl}/dash/apps/ephemeral`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: `e2e-${Date.now()}`, ...body }),
  });
  if (res.status !== 200) throw new Error(`create app failed: ${res.status} ${await res.text()}`);
  const { app } = (await res.json()) as { app: { id: string; "admin-token": string } };
  return { id: app.id, adminToken: app["admin-token"] };
}

// biome-ignore lint: results are whatever the SDK hands its callbacks.
export type QueryResponse = { data?: any; error?: { message: string }; pageInfo?: any };

/** Subscribes and records every callback; `until` waits for a result matching a predicate. */
export function record(db: Db, q: unknown) {
  const results: QueryResponse[] = [];
  // biome-ignore lint: q is a runtime query object.
  const unsubscribe = db.subscribeQuery(q as any, (r: QueryResponse) => results.push(r));
  return {
    results,
    latest: () => results.at(-1),
    unsubscribe,
    /** Waits until the newest result matches (not just any earlier one). */
    until(predicate: (r: QueryResponse) => boolean, what = "the latest result to match", timeoutMs = 15_000) {
      return waitFor(() => {
        const last = results.at(-1);
        return last && predicate(last) ? last : undefined;
      }, { timeoutMs, what });
    },
  };
}
