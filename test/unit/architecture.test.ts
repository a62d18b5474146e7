/**
 * Layout rules that keep the core portable: only the Worker, the DO shell and the DO SQL
 * adapter may import Cloudflare runtime modules; everything else must run in plain Node.
 * And the repository stands alone: no source names a path outside it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { outsidePaths } from "../helpers/outside-paths";

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
