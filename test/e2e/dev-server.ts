/**
 * Starts and stops `wrangler dev` (embedded workerd + SQLite) on a free loopback port,
 * with its state under a given directory, so tests can also restart it on the same data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { waitFor } from "../helpers/wait-for";

export type DevServer = {
  readonly url: string;
  readonly port: number;
  /** The spawned wrangler process; workerd runs as its descendant (the soak samples its memory). */
  readonly pid: number;
  stop(): Promise<void>;
};

const ROOT = resolve(import.meta.dirname, "../..");
const STARTUP_TIMEOUT_MS = 90_000;
/** How much of wrangler's output to print when it dies mid-run. */
const OUTPUT_TAIL_CHARS = 4_000;

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/**
 * `vars` become `--var NAME:value` flags (Worker vars, e.g. the email settings); a value
 * may itself contain colons (URLs), wrangler splits at the first one only.
 */
export async function startDevServer(persistDir: string, fixedPort?: number, vars: Readonly<Record<string, string>> = {}): Promise<DevServer> {
  const port = fixedPort ?? (await freePort());
  const inspectorPort = await freePort();
  const varFlags = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child: ChildProcess = spawn(
    resolve(ROOT, "node_modules/.bin/wrangler"),
    [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistDir,
      "--log-level",
      "warn",
      ...varFlags,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (d) => (output += String(d)));
  child.stderr?.on("data", (d) => (output += String(d)));
  let stopping = false;
  const exited = new Promise<void>((ok) =>
    child.once("exit", (code, signal) => {
      // A server that dies mid-run fails every later test with ECONNREFUSED: say why.
      if (!stopping && ready) {
        console.error(`wrangler dev on port ${port} exited unexpectedly (${signal ?? `code ${code}`}); its last output:\n${output.slice(-OUTPUT_TAIL_CHARS)}`);
      }
      ok();
    }),
  );
  let ready = false;
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
        const res = await fetch(`${url}/health`).catch(() => null);
        return res?.ok === true;
      },
      { timeoutMs: STARTUP_TIMEOUT_MS, what: `wrangler dev on ${url}` },
    );
  } catch (err) {
    child.kill("SIGTERM");
    throw new Error(`${(err as Error).message}\n--- wrangler output ---\n${output}`);
  }
  ready = true;
  return {
    url,
    port,
    pid: child.pid ?? -1,
    async stop() {
      stopping = true;
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
