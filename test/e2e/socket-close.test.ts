/**
 * The server answers a client's close handshake, including a close frame without a
 * status code, which is what browsers and the Instant client send (`ws.close()`): the
 * client reconnects after sign-in, sign-out and auth errors only once its old socket
 * has closed.
 */
import { expect, inject, it } from "vitest";
import { createApp } from "./instant-client";

const url = inject("gatewayUrl");

const cases: [string, number | undefined][] = [["no status code", undefined], ["code 1000", 1000], ["code 4000", 4000]];

it.each(cases)("a client close with %s completes", async (_label, code) => {
  const app = await createApp(url);
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/runtime/session?app_id=${app.id}`);
  await new Promise((ok, fail) => {
    ws.addEventListener("open", ok, { once: true });
    ws.addEventListener("error", () => fail(new Error("socket failed to open")), { once: true });
  });
  const initOk = new Promise((ok) => ws.addEventListener("message", (e) => ok(JSON.parse(String(e.data))), { once: true }));
  ws.send(JSON.stringify({ op: "init", "client-event-id": "i", "app-id": app.id, versions: {} }));
  expect(await initOk).toMatchObject({ op: "init-ok" });

  const closed = new Promise<number>((ok) => ws.addEventListener("close", (e) => ok(e.code), { once: true }));
  if (code === undefined) ws.close();
  else ws.close(code);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"no close within 5 s">((ok) => (timer = setTimeout(() => ok("no close within 5 s"), 5_000)));
  const outcome = await Promise.race([closed, timeout]);
  clearTimeout(timer);
  // Without a status the client's close event reports 1005 ("no status received").
  expect(outcome).toBe(code ?? 1005);
  expect(ws.readyState).toBe(WebSocket.CLOSED);
});
