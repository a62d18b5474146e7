/**
 * Layout rules that keep the core portable and its structure readable:
 * - only the Worker, the DO shell and the DO SQL adapter may import Cloudflare runtime
 *   modules; everything else must run in plain Node;
 * - folders under src/ form layers and imports point down only (docs/architecture.md,
 *   "Layers"), so no folder depends on one above it and no two folders import each other.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
const SHELL_FILES = new Set(["worker.ts", "app-do.ts", "store/do-sql.ts"]);

/** Lower layers first. A folder may import its own files and folders of a lower rank. */
const LAYERS: readonly (readonly string[])[] = [
  ["model"],
  ["util"],
  ["protocol"],
  ["store"],
  ["query", "tx", "presence"],
  ["invalidate"],
  ["auth", "admin", "permissions"],
  ["apps"],
  ["core"],
  ["session", "api"],
  ["transport"],
];
/**
 * The shell: the files directly in src/ (worker.ts, app-do.ts, env.ts) and the Worker's
 * HTTP routes (src/http), which name the Durable Object's type. Above every layer.
 */
const SHELL = "shell";
const SHELL_RANK = LAYERS.length;

const rankOf = (folder: string): number => {
  if (folder === SHELL) return SHELL_RANK;
  const rank = LAYERS.findIndex((layer) => layer.includes(folder));
  if (rank < 0) throw new Error(`src/${folder} is in no layer: add it to LAYERS`);
  return rank;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** "query/run-query.ts" → "query"; "worker.ts" and "http/admin.ts" → the shell. */
const folderOf = (file: string): string => {
  const rel = relative(SRC, file);
  const top = rel.includes("/") ? rel.split("/")[0]! : SHELL;
  return top === "http" ? SHELL : top;
};

function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => {
    const target = resolve(dirname(file), m[1]!);
    // `../presence` names the folder's index.ts.
    return existsSync(target) && statSync(target).isDirectory() ? join(target, "index") : target;
  });
}

it("imports cloudflare:* only in the Worker/DO shell", () => {
  const offenders = sourceFiles(SRC)
    .filter((f) => !SHELL_FILES.has(relative(SRC, f)))
    .filter((f) => /from\s+["']cloudflare:/.test(readFileSync(f, "utf8")));
  expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
});

it("imports point down the layers only", () => {
  const upward: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const target of relativeImports(file)) {
      const to = folderOf(`${target}.ts`);
      if (to === from) continue;
      if (rankOf(to) >= rankOf(from)) upward.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  expect(upward).toEqual([]);
});

it("knows every folder of src/", () => {
  const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory() && n !== "http");
  for (const f of folders) expect(() => rankOf(f)).not.toThrow();
});
