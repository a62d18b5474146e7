/**
 * `npm run bench`: the project's speed measurement. Prints tables of medians and of
 * ratios against baselines measured in the same run (absolute times on these shared,
 * noisy machines only compare within one run). Nothing here is a test: no timing is
 * asserted anywhere.
 *
 * Environment: BENCH_TRIPLES (default 100000; 1000000 for the large run) sizes the generated
 * data set, BENCH_SESSIONS (default 50) the fan-out; INSTANT_SAMPLE_DATA=<dir> benches an
 * export in Instant's format instead of generated data (bench/dataset.ts).
 */
import { anonymousAuth } from "../src/model/auth-context";
import { openNodeSql } from "../src/store/node-sql";
import { benchDataset, loadInto, smallDataset } from "./dataset";
import { benchFanout, printFanout, subscribeSessions } from "./fanout-bench";
import { count, machineInfo, ms, settle } from "./measure";
import { benchPerms, printPerms } from "./perms-bench";
import { benchQueries, printQueries } from "./query-bench";
import { benchTransactions, printTransactions } from "./tx-bench";
import { benchWake, printWake } from "./wake-bench";

const target = Number(process.env.BENCH_TRIPLES ?? 100_000);
const sessionCount = Number(process.env.BENCH_SESSIONS ?? 50);

function step<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const value = fn();
  console.log(`  ${label}: ${ms(performance.now() - start)} ms`);
  return value;
}

const started = performance.now();
console.log(`# instant-gateway bench\n\n${machineInfo()}${(globalThis as { gc?: unknown }).gc ? "" : " (no --expose-gc)"}`);
console.log(`medians after warm-up; ratios are against a baseline measured in this same run\n\nsetup:`);

const data = step(`data set ≈ ${count(target)} triples`, () => benchDataset(target));
console.log(`  source: ${data.source}`);
// In-memory SQLite for the engine figures: they measure our code, not this machine's fsync.
const sql = openNodeSql();
const attrs = step(`load ${count(data.triples.length)} triples (in-memory SQLite)`, () => loadInto(sql, data));
const env = { sql, attrs, auth: anonymousAuth("00000000-0000-4000-8000-00000000be9c") };

const queries = benchQueries(env, data);
printQueries(queries, data.triples.length);

printPerms(benchPerms({ sql, attrs }, data));

settle();
const fanoutSetup = step(`\nsubscribe ${sessionCount} sessions × 5 queries`, () => subscribeSessions(sql, data, sessionCount));
printFanout(benchFanout(fanoutSetup, data), sessionCount);

printTransactions(benchTransactions(sql, attrs, data), data.triples.length);

printWake(benchWake(smallDataset(), sql));

console.log(`\ntotal bench time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
sql.close();
