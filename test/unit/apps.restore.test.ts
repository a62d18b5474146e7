/**
 * Point-in-time restore behind its storage seam (src/apps/restore.ts): local workerd has
 * no history, so the logic is proven here against a fake of the three storage calls, and
 * the route's wiring (operator secret, restart) in the HTTP harness and workers pool.
 */
import { describe, expect, it } from "vitest";
import { type PitrStorage, RESTORE_WINDOW_MS, restoreApp } from "../../src/apps/restore";
import { InstantError } from "../../src/protocol/errors";

const NOW = 1_800_000_000_000;

/** A storage whose history is a list of (time, bookmark), like DO SQLite's 30 days. */
function fakeStorage(opts: { unsupported?: boolean } = {}) {
  const history = [
    { at: NOW - 20 * 86_400_000, bookmark: "b-20d" },
    { at: NOW - 3_600_000, bookmark: "b-1h" },
    { at: NOW - 1_000, bookmark: "b-now" },
  ];
  const scheduled: string[] = [];
  const fail = () => {
    throw new Error("This Durable Object's storage back-end does not implement point-in-time recovery.");
  };
  const storage: PitrStorage = {
    async getCurrentBookmark() {
      return opts.unsupported ? fail() : history.at(-1)!.bookmark;
    },
    async getBookmarkForTime(t) {
      if (opts.unsupported) fail();
      return [...history].reverse().find((h) => h.at <= t)?.bookmark ?? history[0]!.bookmark;
    },
    async onNextSessionRestoreBookmark(b) {
      if (opts.unsupported) fail();
      if (!b.startsWith("b-")) throw new Error("invalid bookmark");
      scheduled.push(b);
      return `undo-of-${b}`;
    },
  };
  return { storage, scheduled };
}

async function refusal(p: Promise<unknown>): Promise<InstantError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof InstantError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("restoreApp", () => {
  it("restores to the bookmark of a moment and returns the bookmark that undoes it", async () => {
    const { storage, scheduled } = fakeStorage();
    const plan = await restoreApp(storage, { kind: "time", at: NOW - 2 * 3_600_000 }, NOW);
    expect(plan).toEqual({ restoredTo: "b-20d", undo: "undo-of-b-20d" });
    expect(scheduled).toEqual(["b-20d"]);
  });

  it("restores to a given bookmark (undoing an earlier restore)", async () => {
    const { storage, scheduled } = fakeStorage();
    expect(await restoreApp(storage, { kind: "bookmark", bookmark: "b-1h" }, NOW)).toEqual({ restoredTo: "b-1h", undo: "undo-of-b-1h" });
    expect(scheduled).toEqual(["b-1h"]);
  });

  it("refuses moments in the future or older than the window, scheduling nothing", async () => {
    const { storage, scheduled } = fakeStorage();
    expect((await refusal(restoreApp(storage, { kind: "time", at: NOW + 1 }, NOW))).message).toContain("future");
    const old = await refusal(restoreApp(storage, { kind: "time", at: NOW - RESTORE_WINDOW_MS - 1 }, NOW));
    expect(old).toMatchObject({ type: "validation-failed", status: 400 });
    expect(scheduled).toEqual([]);
  });

  it("refuses a bookmark the storage does not know", async () => {
    const { storage } = fakeStorage();
    expect((await refusal(restoreApp(storage, { kind: "bookmark", bookmark: "nope" }, NOW))).message).toContain("not a bookmark");
  });

  it("says plainly when the storage keeps no history (wrangler dev)", async () => {
    const { storage } = fakeStorage({ unsupported: true });
    const err = await refusal(restoreApp(storage, { kind: "time", at: NOW - 1_000 }, NOW));
    expect(err.status).toBe(501);
    expect(err.message).toContain("deployed Worker");
  });
});
