/**
 * Finds paths in source text that lead outside the repository: absolute paths whose
 * first segment is one of a machine's own directories (MACHINE_ROOTS: work, home, tmp…),
 * home-relative and Windows drive paths, and relative paths (dot-slash, dot-dot-slash,
 * a bare dot-dot) that climb above the repository root or name nothing inside it. A
 * fresh clone must run with nothing but itself, so any such path in src/, test/, bench/
 * or scripts/ is a dependency on one machine's layout.
 *
 * What is not a path here: routes and URLs ("/runtime/sse", "http://127.0.0.1:8787/x":
 * their path part follows a host), regex sources (a preceding backslash), package module
 * specifiers, and relative paths that resolve to a file or directory inside the
 * repository (imports with or without an extension included). This file spells its own
 * examples so that none of them matches.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** Top-level directories of real machines; an absolute path starting with one is never the repo. */
export const MACHINE_ROOTS = [
  "work", "home", "tmp", "root", "Users", "mnt", "opt", "var", "usr", "etc", "srv", "private", "Volumes",
  "shared", "data", "media", "workspace", "workspaces", "nix", "proc", "sys", "run",
] as const;

/** Extensions a relative module specifier may leave out. */
const IMPLIED_EXTENSIONS = ["", ".ts", ".d.ts", ".js", ".mjs", ".json", "/index.ts"] as const;

// Not after a word character, a dot, a slash, a backslash or ~ @ $ - : so a URL's path, a
// regex source and the tail of a longer path are skipped.
const BEFORE = String.raw`(?<![\w.\\/~@$:-])`;
const ABSOLUTE = new RegExp(String.raw`${BEFORE}/(?:${MACHINE_ROOTS.join("|")})(?=[/"'\x60\s)]|$)`, "gm");
const HOME = new RegExp(BEFORE + "~" + "/", "g");
const WINDOWS = /(?<![\w\\])[A-Z]:\\\\(?=\w)/g;
const RELATIVE = new RegExp(String.raw`${BEFORE}(\.{1,2}/[^\s"'\x60)\]},;*]*|\.\.(?=["'\x60]))`, "g");

export type OutsidePath = { readonly line: number; readonly text: string; readonly why: string };

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}

/** `text` is the content of the file at absolute path `file`, inside the repo at `root`. */
export function outsidePaths(root: string, file: string, text: string): OutsidePath[] {
  const out: OutsidePath[] = [];
  const add = (m: RegExpMatchArray, why: string) => out.push({ line: lineOf(text, m.index ?? 0), text: m[0], why });
  for (const m of text.matchAll(ABSOLUTE)) add(m, "absolute path on this machine");
  for (const m of text.matchAll(HOME)) add(m, "home-relative path");
  for (const m of text.matchAll(WINDOWS)) add(m, "absolute Windows path");
  for (const m of text.matchAll(RELATIVE)) {
    const target = resolve(dirname(file), m[1] as string);
    if (!inside(root, target)) add(m, "climbs above the repository root");
    else if (!IMPLIED_EXTENSIONS.some((ext) => existsSync(target + ext))) add(m, "names nothing inside the repository");
  }
  return out;
}
