/**
 * Reliability soak (npm run soak; SOAK_QUICK=1 for the 60 s run CI does): 200 raw
 * protocol sessions against `wrangler dev` on loopback with queries, transactions,
 * presence, broadcasts, reconnects and dev server restarts (run.ts), then one test per
 * property (checks.ts). The figures and the closing `soak: N passed, M failed` line are
 * printed by the soak reporter (summary-reporter.ts) from this file's task meta.
 */
import { beforeAll, expect, it } from "vitest";
import { soakChecks } from "./checks";
import { soakParams, soakTimeoutMs } from "./params";
import { figures } from "./report";
import { runSoak, type SoakOutcome } from "./run";

declare module "vitest" {
  interface TaskMeta {
    /** The run's figures, attached to the file for the reporter. */
    soakFigures?: string[];
    /** A check's explanation lines. */
    soakLines?: string[];
  }
}

const params = soakParams();
let outcome: SoakOutcome | undefined;
let failure: Error | undefined;

beforeAll(async ({}, file) => {
  try {
    outcome = await runSoak(params, (line) => console.log(`[soak] ${line}`));
    file.meta.soakFigures = figures(outcome);
  } catch (err) {
    // Kept, not thrown: every check then fails with it, so the count stays honest.
    failure = err as Error;
    file.meta.soakFigures = [`soak run failed: ${failure.stack ?? failure.message}`];
  }
}, soakTimeoutMs(params));

for (const check of soakChecks(params)) {
  it(check.name, ({ task }) => {
    if (!outcome) throw failure ?? new Error("the soak did not run");
    const verdict = check.verdict(outcome);
    task.meta.soakLines = [...verdict.lines];
    expect(verdict.ok, verdict.lines.join("\n")).toBe(true);
  });
}
