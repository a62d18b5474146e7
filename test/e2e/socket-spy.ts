/**
 * Records every WebSocket the Instant client opens while installed: its URL, the frames
 * it sent and received (parsed), and the socket itself. The client creates its sockets
 * with the global `WebSocket` at connect time, so replacing the global (with a subclass
 * of whatever is there, instant-client.ts's browser-like one) sees all of them. Used to
 * count connection attempts and `init`s, and to read `init-ok`'s `auth`.
 */

// biome-ignore lint: frames are whatever JSON the client and the server exchange.
type Frame = any;

export type SpiedSocket = {
  readonly url: string;
  /** `app_id` from the URL: the client connects to `${websocketURI}?app_id=…`. */
  readonly appId: string | null;
  readonly sent: Frame[];
  readonly received: Frame[];
  readonly socket: WebSocket;
};

export type SocketSpy = {
  readonly sockets: SpiedSocket[];
  forApp(appId: string): SpiedSocket[];
  restore(): void;
};

export function spyOnSockets(): SocketSpy {
  const Base = globalThis.WebSocket;
  const sockets: SpiedSocket[] = [];
  class SpyWebSocket extends Base {
    private readonly record: SpiedSocket;
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      const href = String(url);
      this.record = { url: href, appId: new URL(href).searchParams.get("app_id"), sent: [], received: [], socket: this };
      sockets.push(this.record);
      this.addEventListener("message", (e) => {
        const parsed = JSON.parse(String((e as MessageEvent).data)) as Frame;
        this.record.received.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      });
    }
    override send(data: Parameters<WebSocket["send"]>[0]): void {
      if (typeof data === "string") this.record.sent.push(JSON.parse(data));
      super.send(data);
    }
  }
  globalThis.WebSocket = SpyWebSocket as typeof WebSocket;
  return {
    sockets,
    forApp: (appId) => sockets.filter((s) => s.appId === appId),
    restore() {
      globalThis.WebSocket = Base;
    },
  };
}

/** Frames of one op a socket list sent or received, in order. */
export const sentOps = (sockets: readonly SpiedSocket[], op: string): Frame[] => sockets.flatMap((s) => s.sent.filter((f) => f.op === op));
export const receivedOps = (sockets: readonly SpiedSocket[], op: string): Frame[] =>
  sockets.flatMap((s) => s.received.filter((f) => f.op === op));

/** For failure messages: each socket's state and the ops it sent and received. */
export function describeSockets(sockets: readonly SpiedSocket[]): string {
  return JSON.stringify(
    sockets.map((s) => ({
      readyState: s.socket.readyState,
      sent: s.sent.map((f) => f.op),
      received: s.received.map((f) => (f.op === "error" ? `error ${f.type} ${f.hint?.["record-type"] ?? ""}`.trim() : f.op)),
    })),
  );
}
