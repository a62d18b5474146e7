/**
 * A temporary directory for file-backed databases (the tests that close and reopen a
 * database to stand for a restart), removed after each test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** Call in a describe block; the returned function gives this test's directory. */
export function useTempDir(prefix: string): () => string {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  return () => (dir ??= mkdtempSync(join(tmpdir(), prefix)));
}
