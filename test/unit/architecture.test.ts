/**
 * Layout rules that keep the core portable: only the Worker, the DO shell and the DO SQL
 * adapter may import Cloudflare runtime modules; everything else must run in plain Node.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
const SHELL_FILES = new Set(["worker.ts", "app-do.ts", "store/do-sql.ts"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

it("imports cloudflare:* only in the Worker/DO shell", () => {
  const offenders = sourceFiles(SRC)
    .filter((f) => !SHELL_FILES.has(relative(SRC, f)))
    .filter((f) => /from\s+["']cloudflare:/.test(readFileSync(f, "utf8")));
  expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
});
