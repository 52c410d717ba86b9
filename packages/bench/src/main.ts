import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecksBenchmark, type ChecksResult } from './checks.js';
import { runLifecycleBenchmark, type LifecycleResult } from './lifecycle.js';
import { runIntegrityBenchmark, type IntegrityResult } from './integrity.js';
import { runHttpBenchmark, type HttpResult } from './http.js';
import { runListBenchmark, type ListResult } from './list.js';
import { runRebuildBenchmark, type RebuildResult } from './rebuild.js';
import { printReport } from './report.js';
import { log, round } from './support.js';

/**
 * `pnpm bench [-- flags]`: runs the benchmarks, prints a table, writes results/latest.json.
 * Each benchmark (and each rebuild size) runs in a child process of its own, so one's heap,
 * caches and peak memory do not leak into the next. Not part of the test suite.
 *
 * Flags (environment variables in brackets):
 *   --quick                       small sizes, for a smoke run in seconds (BENCH_QUICK=1)
 *   --only=lifecycle,rebuild,list,integrity,checks,http   which benchmarks (BENCH_ONLY)
 *   --lifecycles=N                lifecycles per contender (BENCH_LIFECYCLES, default 2000)
 *   --warmup=N                    untimed lifecycles first (BENCH_WARMUP, default 100)
 *   --rounds=N                    the lifecycle contenders take turns in N rounds (BENCH_ROUNDS, default 10)
 *   --rebuild-events=N,N          log sizes to rebuild (BENCH_REBUILD_EVENTS, default 100000,300000)
 *   --list-sessions=N,N           read-model sizes (BENCH_LIST_SESSIONS, default 100000,1000000)
 *   --list-iterations=N           pages per query and size (BENCH_LIST_ITERATIONS, default 500)
 *   --list-budget=S               seconds of building the list read model before stopping (BENCH_LIST_BUDGET, default 120)
 *   --integrity-events=N          log size for checkpoint, export and verify (BENCH_INTEGRITY_EVENTS, default 100000)
 *   --checks-iterations=N         calls of each pure check (BENCH_CHECKS_ITERATIONS, default 200000)
 *   --checks-flows=N              end-user flows per ledger (BENCH_CHECKS_FLOWS, default 500)
 *   --http-duration=S             seconds per HTTP measurement (BENCH_HTTP_DURATION, default 10)
 *   --http-connections=N          concurrent connections of the HTTP load (BENCH_HTTP_CONNECTIONS, default 10)
 *   --no-diagnostics              skip the diagnostic passes: synchronous=NORMAL lifecycles, per-statement
 *                                 SQLite timings, read-path rates (BENCH_DIAGNOSTICS=0)
 *   --out=FILE                    where to write the JSON (default packages/bench/results/latest.json)
 * BENCH_KEEP_FILES=1 keeps the temporary SQLite files.
 */

type Task =
  | { readonly kind: 'lifecycle'; readonly lifecycles: number; readonly warmup: number; readonly rounds: number; readonly diagnostics: boolean }
  | { readonly kind: 'rebuild'; readonly events: number; readonly diagnostics: boolean }
  | { readonly kind: 'list'; readonly sizes: ReadonlyArray<number>; readonly iterations: number; readonly budget: number }
  | { readonly kind: 'integrity'; readonly events: number }
  | { readonly kind: 'checks'; readonly iterations: number; readonly flows: number }
  | { readonly kind: 'http'; readonly durationSeconds: number; readonly connections: number };

export interface BenchResults {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly memoryGB: number; readonly node: string; readonly platform: string };
  readonly lifecycle?: LifecycleResult;
  readonly rebuild?: ReadonlyArray<RebuildResult>;
  readonly rebuildMemoryGrowth?: { readonly smallEvents: number; readonly largeEvents: number; readonly heapGrowthRatio: number; readonly flat: boolean };
  readonly list?: ListResult;
  readonly integrity?: IntegrityResult;
  readonly checks?: ChecksResult;
  readonly http?: HttpResult;
  readonly totalSeconds: number;
}

const here = fileURLToPath(import.meta.url);

const runTask = async (task: Task): Promise<unknown> => {
  switch (task.kind) {
    case 'lifecycle':
      return runLifecycleBenchmark({ lifecycles: task.lifecycles, warmup: task.warmup, rounds: task.rounds, diagnostics: task.diagnostics });
    case 'rebuild':
      return runRebuildBenchmark(task.events, task.diagnostics);
    case 'integrity':
      return runIntegrityBenchmark(task.events);
    case 'list':
      return runListBenchmark({ sizes: task.sizes, iterations: task.iterations, buildBudgetSeconds: task.budget, batchEvents: 10_000 });
    case 'checks':
      return runChecksBenchmark({ iterations: task.iterations, flows: task.flows });
    case 'http':
      return runHttpBenchmark({ durationSeconds: task.durationSeconds, connections: task.connections });
  }
};

/** Runs one task in a fresh process (same loader and conditions, plus --expose-gc for memory baselines). */
const inChild = <R>(task: Task): Promise<R> =>
  new Promise((resolve, reject) => {
    const child = fork(here, ['--child', JSON.stringify(task)], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (message: { ok: true; result: R } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`the ${task.kind} benchmark process exited with code ${String(code)} before reporting`));
    });
  });

const childMain = async (payload: string): Promise<void> => {
  const task = JSON.parse(payload) as Task;
  // Run by hand (`tsx … src/main.ts --child '<task JSON>'`, e.g. under --cpu-prof) it prints the result instead.
  const report = (message: { ok: boolean; result?: unknown; error?: string }, code: number) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
      process.exitCode = code;
    } else process.send(message, () => process.exit(code));
  };
  try {
    report({ ok: true, result: await runTask(task) }, 0);
  } catch (error) {
    report({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1);
  }
};

const parseArgs = (argv: ReadonlyArray<string>) => {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--') continue;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`Unknown argument '${arg}' (see the flags at the top of packages/bench/src/main.ts)`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const known = ['quick', 'only', 'lifecycles', 'warmup', 'rounds', 'rebuild-events', 'list-sessions', 'list-iterations', 'list-budget', 'integrity-events', 'checks-iterations', 'checks-flows', 'http-duration', 'http-connections', 'no-diagnostics', 'out'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`Unknown flag --${name}; known: ${known.map((k) => `--${k}`).join(' ')}`);
  const quick = flags.has('quick') || process.env.BENCH_QUICK === '1';
  const setting = (flag: string, env: string, full: string, quickValue: string): string => flags.get(flag) ?? process.env[env] ?? (quick ? quickValue : full);
  const int = (name: string, value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got '${value}'`);
    return n;
  };
  const ints = (name: string, value: string): Array<number> => value.split(',').filter((v) => v !== '').map((v) => int(name, v));
  const only = new Set(setting('only', 'BENCH_ONLY', 'lifecycle,rebuild,list,integrity,checks,http', 'lifecycle,rebuild,list,integrity,checks,http').split(','));
  for (const name of only) if (!['lifecycle', 'rebuild', 'list', 'integrity', 'checks', 'http'].includes(name)) throw new Error(`--only: unknown benchmark '${name}'`);
  return {
    quick,
    only,
    lifecycles: int('lifecycles', setting('lifecycles', 'BENCH_LIFECYCLES', '2000', '100')),
    warmup: int('warmup', setting('warmup', 'BENCH_WARMUP', '100', '20')),
    rounds: int('rounds', setting('rounds', 'BENCH_ROUNDS', '10', '2')),
    rebuildEvents: ints('rebuild-events', setting('rebuild-events', 'BENCH_REBUILD_EVENTS', '100000,300000', '5000,15000')),
    listSessions: ints('list-sessions', setting('list-sessions', 'BENCH_LIST_SESSIONS', '100000,1000000', '2000,10000')),
    listIterations: int('list-iterations', setting('list-iterations', 'BENCH_LIST_ITERATIONS', '500', '50')),
    listBudget: int('list-budget', setting('list-budget', 'BENCH_LIST_BUDGET', '120', '60')),
    integrityEvents: int('integrity-events', setting('integrity-events', 'BENCH_INTEGRITY_EVENTS', '100000', '3000')),
    checksIterations: int('checks-iterations', setting('checks-iterations', 'BENCH_CHECKS_ITERATIONS', '200000', '5000')),
    checksFlows: int('checks-flows', setting('checks-flows', 'BENCH_CHECKS_FLOWS', '500', '20')),
    httpDuration: int('http-duration', setting('http-duration', 'BENCH_HTTP_DURATION', '10', '2')),
    httpConnections: int('http-connections', setting('http-connections', 'BENCH_HTTP_CONNECTIONS', '10', '10')),
    diagnostics: !flags.has('no-diagnostics') && process.env.BENCH_DIAGNOSTICS !== '0',
    out: flags.get('out') ?? join(dirname(here), '..', 'results', 'latest.json'),
  };
};

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const cpu = cpus();
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {
    startedAt: new Date().toISOString(),
    quick: args.quick,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryGB: round(totalmem() / 1024 ** 3, 1),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    totalSeconds: 0,
  };

  if (args.only.has('lifecycle')) {
    results.lifecycle = await inChild<LifecycleResult>({
      kind: 'lifecycle',
      lifecycles: args.lifecycles,
      warmup: args.warmup,
      rounds: args.rounds,
      diagnostics: args.diagnostics,
    });
  }
  if (args.only.has('rebuild')) {
    const rebuilds: Array<RebuildResult> = [];
    for (const [index, events] of args.rebuildEvents.entries()) {
      // The breakdown is taken once, at the first size: it is a ratio, and it doubles the time of that run.
      rebuilds.push(await inChild<RebuildResult>({ kind: 'rebuild', events, diagnostics: args.diagnostics && index === 0 }));
    }
    results.rebuild = rebuilds;
    const small = rebuilds[0];
    const large = rebuilds[rebuilds.length - 1];
    if (small !== undefined && large !== undefined && large !== small) {
      // Flat: the heap growth at the larger log is within 1.5x of the smaller one's, for 3x the events.
      const ratio = round(Math.max(large.memory.peakHeapGrowthMB, 1) / Math.max(small.memory.peakHeapGrowthMB, 1), 2);
      results.rebuildMemoryGrowth = { smallEvents: small.events, largeEvents: large.events, heapGrowthRatio: ratio, flat: ratio <= 1.5 };
    }
  }
  if (args.only.has('list')) {
    results.list = await inChild<ListResult>({ kind: 'list', sizes: args.listSessions, iterations: args.listIterations, budget: args.listBudget });
  }
  if (args.only.has('integrity')) {
    results.integrity = await inChild<IntegrityResult>({ kind: 'integrity', events: args.integrityEvents });
  }
  if (args.only.has('checks')) {
    results.checks = await inChild<ChecksResult>({ kind: 'checks', iterations: args.checksIterations, flows: args.checksFlows });
  }
  if (args.only.has('http')) {
    results.http = await inChild<HttpResult>({ kind: 'http', durationSeconds: args.httpDuration, connections: args.httpConnections });
  }
  results.totalSeconds = round((performance.now() - started) / 1000, 1);

  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(printReport(results));
  process.stdout.write(`\nResults written to ${args.out}\n`);
};

if (process.argv[2] === '--child') {
  await childMain(process.argv[3] ?? '{}');
} else {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
