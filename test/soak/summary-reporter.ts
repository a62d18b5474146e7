/**
 * The soak's JSON reporter (.test-results/soak.json, summed by scripts/test-summary.mjs)
 * that, once the file is written, prints the figures of the run and, as the very last
 * line, what CI reads: `soak: N passed, M failed`, counting the checks (the tests of the
 * soak files). A check that did not pass, for whatever reason (it failed, or the run
 * crashed before it), counts as failed.
 */
import type { TestModule } from "vitest/node";
import { JsonReporter } from "vitest/reporters";

export class SoakSummaryReporter extends JsonReporter {
  override async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    await super.onTestRunEnd(testModules);
    let passed = 0;
    let failed = 0;
    const out: string[] = [""];
    for (const mod of testModules) {
      out.push(...(mod.meta().soakFigures ?? []).map((l) => `  ${l}`));
      for (const test of mod.children.allTests()) {
        const ok = test.result().state === "passed";
        if (ok) passed++;
        else failed++;
        out.push(`  ${ok ? "✓" : "✗"} ${test.name}`);
        for (const line of test.meta().soakLines ?? []) out.push(`      ${line}`);
      }
    }
    out.push(`soak: ${passed} passed, ${failed} failed`);
    console.log(out.join("\n"));
  }
}
