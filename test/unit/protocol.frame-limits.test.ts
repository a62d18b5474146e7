/**
 * Frames over MAX_FRAME_BYTES are refused unparsed, yet the error still carries the
 * frame's client-event-id and op (read from its head), so the real client fails the
 * transaction with the size message instead of waiting for its timeout.
 */
import { describe, expect, it } from "vitest";
import { parseClientFrame } from "../../src/protocol/client-messages";
import { MAX_FRAME_BYTES } from "../../src/protocol/limits";
import { errorMessage } from "../../src/protocol/server-messages";
import { handleFrame } from "../../src/session/handle-frame";
import { testApp } from "../helpers/app-context";

const oversized = (head: string) => `${head}${"x".repeat(MAX_FRAME_BYTES)}"]]}`;

describe("oversized frames", () => {
  it("echo the client-event-id and op the client wrote first", () => {
    const parsed = parseClientFrame(oversized(`{"client-event-id":"ev-1","op":"transact","tx-steps":[["add-triple","a","b","`));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.eventId).toBe("ev-1");
    const frame = errorMessage(parsed.error, parsed.eventId, parsed.raw);
    expect(frame).toMatchObject({
      op: "error",
      status: 400,
      type: "validation-failed",
      "client-event-id": "ev-1",
      "original-event": { op: "transact", "client-event-id": "ev-1" },
    });
    expect(String(frame.message)).toContain(`the limit is ${MAX_FRAME_BYTES}`);
  });

  it("unescape the id and find it whatever the key order", () => {
    const parsed = parseClientFrame(oversized(`{"op":"add-query","client-event-id":"a\\"b","q":{"x":"`));
    expect(parsed.ok || parsed.eventId).toBe('a"b');
    expect(parsed.ok || parsed.raw).toEqual({ op: "add-query", "client-event-id": 'a"b' });
  });

  it("carry no id when the head names none, and never echo a huge one", () => {
    const none = parseClientFrame(oversized(`{"tx-steps":"`));
    expect(none.ok || none.eventId).toBeUndefined();
    const huge = parseClientFrame(oversized(`{"client-event-id":"${"i".repeat(900)}","op":"transact","x":"`));
    expect(huge.ok || huge.eventId).toBeUndefined();
    expect(huge.ok || huge.raw).toEqual({ op: "transact" });
  });

  it("leave the session up: the next frame is answered", () => {
    const app = testApp();
    const s = app.open();
    app.init(s);
    const session = app.session(s);
    const refused = handleFrame(app.ctx, session, oversized(`{"client-event-id":"big","op":"transact","tx-steps":"`));
    expect(refused.replies).toEqual([expect.objectContaining({ op: "error", "client-event-id": "big" })]);
    expect(refused.session).toBe(session);
    const got = app.send(s, { op: "add-query", "client-event-id": "q1", q: { todos: {} } });
    expect(got.get(s)?.[0]).toMatchObject({ op: "add-query-ok", "client-event-id": "q1" });
  });
});
