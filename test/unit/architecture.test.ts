/**
 * Layout rules that keep the core portable and its structure readable:
 * - only the Worker, the DO shell and the DO SQL adapter may import Cloudflare runtime
 *   modules; everything else must run in plain Node;
 * - folders under src/ form layers and imports point down only (docs/architecture.md,
 *   "Layers"), so no folder depends on one above it and no two folders import each other;
 * - the repository stands alone: no source names a path outside it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { outsidePaths } from "../helpers/outside-paths";

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
    // An import of a folder names its index.ts.
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

const ROOT = join(import.meta.dirname, "../..");
/** Everything a fresh clone runs: none of it may reach outside the repository. */
const SCANNED = ["src", "test", "bench", "scripts"] as const;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

it("names no path outside the repository in src/, test/, bench/ or scripts/", () => {
  const found = SCANNED.flatMap((d) => allFiles(join(ROOT, d))).flatMap((f) =>
    outsidePaths(ROOT, f, readFileSync(f, "utf8")).map((p) => `${relative(ROOT, f)}:${p.line} ${p.text} (${p.why})`),
  );
  expect(found).toEqual([]);
});

describe("the outside-path detector", () => {
  // The probes are joined at run time so that this file itself names no such path.
  const probe = (file: string, ...parts: string[]) => outsidePaths(ROOT, join(ROOT, file), parts.join(""));
  const slash = "/";

  it.each([
    ["absolute fixture path", "bench/x.ts", `const F = "`, slash, "work", slash, "shared/fixtures/instant-sample-data", `";`],
    ["home directory", "test/x.ts", `readFileSync("`, slash, "home", slash, "me/data.json", `")`],
    ["temp root", "src/x.ts", "`", slash, "tmp", slash, "x`"],
    ["shared sibling, relative", "test/unit/x.ts", `read("..`, slash, "shared", slash, `fixtures")`],
    ["shared sibling from a top-level dir", "bench/x.ts", `import x from "..`, slash, "shared", `";`],
    ["climbing above the root", "test/unit/x.ts", `join(dir, "../..`, slash, "..", slash, `elsewhere")`],
  ])("catches %s", (_name, file, ...parts) => {
    expect(probe(file, ...parts)).not.toEqual([]);
  });

  it.each([
    ["import inside the repo", "bench/x.ts", `import { a } from "..`, slash, `src/model/attr";`],
    ["repo root from a test", "test/e2e/x.ts", `resolve(import.meta.dirname, "..`, slash, `..")`],
    ["a route", "src/x.ts", `app.get("`, slash, `runtime/sse", h)`],
    ["a local URL", "test/x.ts", `fetch("http:`, slash, slash, "127.0.0.1:8787", slash, "tmp", slash, `x")`],
    ["a regex source", "src/x.ts", String.raw`const re = /^\.\.?\/x/;`],
  ])("leaves %s alone", (_name, file, ...parts) => {
    expect(probe(file, ...parts)).toEqual([]);
  });
});
