/**
 * A bare protocol client over Node's WebSocket, for checks the SDK hides (tx-ids, error
 * frames). Every wait is a predicate on the frames received so far, with a timeout.
 */
import { waitFor } from "./wait-for";

// biome-ignore lint: frames are arbitrary JSON.
export type Frame = Record<string, any>;

export class RawSocket {
  readonly frames: Frame[] = [];
  /** Wraps an open socket (in workerd: `response.webSocket` after `accept()`). */
  constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const parsed = JSON.parse(String(e.data)) as Frame | Frame[];
      for (const f of Array.isArray(parsed) ? parsed : [parsed]) this.frames.push(f);
    });
  }

  static async open(gatewayUrl: string, appId: string): Promise<RawSocket> {
    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, "ws")}/runtime/session?app_id=${appId}`);
    await new Promise<void>((ok, fail) => {
      ws.addEventListener("open", () => ok(), { once: true });
      ws.addEventListener("error", () => fail(new Error("socket failed to open")), { once: true });
    });
    return new RawSocket(ws);
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends a frame and waits for the first reply frame matching `match`. */
  async request(frame: Frame, match: (f: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const from = this.frames.length;
    this.send(frame);
    return this.next(match, from, timeoutMs);
  }

  next(match: (f: Frame) => boolean, from = 0, timeoutMs = 10_000): Promise<Frame> {
    return waitFor(() => this.frames.slice(from).find(match), { timeoutMs, what: "a matching frame" });
  }

  close(): void {
    this.ws.close();
  }
}
