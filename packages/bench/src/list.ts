import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { createIdentityLedger, createMemoryKeyStore } from '@idledger/core';
import type { SessionQuery } from '@idledger/core/ledger';
import { createSqliteEventStore, createSqliteReadModel, openLedgerDatabase } from '@idledger/store-sqlite';
import * as E from 'fp-ts/lib/Either.js';
import {
  CUSTOMER_POOL,
  clientReferenceOf,
  createdOf,
  customerCommands,
  customerIdOf,
  sessionCommands,
  EVENTS_PER_SESSION,
  sessionIdOf,
  toLedgerEvents,
} from './synthetic.js';
import { measureStatements, statementsRun } from './statements.js';
import { elapsedMs, log, MB, prng, round, summarize, tempDir, type LatencySummary } from './support.js';

/**
 * 3. List latency: a read model filled through its own `apply`, in large batches, with the
 * events of synthetic sessions (the real deciders' events, see synthetic.ts), grown to each size
 * in turn in one file; at each size, pages of 100 with filters and cursors, many iterations, at
 * the read-model port (`listSessions`) and through the API (`verificationSessions.list`, which
 * adds parameter decoding and rendering the Stripe objects).
 */

export interface ListOptions {
  readonly sizes: ReadonlyArray<number>;
  readonly iterations: number;
  /** Stop growing the read model when building has taken this long; the sizes reached are reported. */
  readonly buildBudgetSeconds: number;
  readonly batchEvents: number;
}

export interface QueryLatency {
  readonly name: string;
  /** Mean rows per page over the iterations. */
  readonly meanRows: number;
  readonly readModel: LatencySummary;
  readonly api: LatencySummary;
  /**
   * CPU time of the process per call (all its threads, GC helpers included), of the same calls as
   * `readModel` and `api`: on a machine other work shares, wall time also counts the waits for a
   * core, which this does not.
   */
  readonly readModelCpu: LatencySummary;
  readonly apiCpu: LatencySummary;
  /** SQLite's plan for the page query (EXPLAIN QUERY PLAN of the SQL the read model ran). */
  readonly plan: string;
  /** Mean time per `listSessions` call inside SQLite statements (an instrumented pass); the rest is decoding the rows. */
  readonly sqlMeanMs: number;
  /** Garbage-collection pauses during the timed read-model calls: how many, their total and longest. */
  readonly gc: { readonly pauses: number; readonly totalMs: number; readonly maxMs: number };
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
};

/** Counts GC pauses while `work` runs (PerformanceObserver 'gc' entries). */
const gcDuring = async (work: () => Promise<void>): Promise<QueryLatency['gc']> => {
  const durations: Array<number> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    await work();
    // GC entries are delivered asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    observer.disconnect();
  }
  return { pauses: durations.length, totalMs: round(durations.reduce((a, b) => a + b, 0), 1), maxMs: round(Math.max(0, ...durations), 2) };
};

export interface ListSize {
  readonly requestedSessions: number;
  readonly sessions: number;
  readonly events: number;
  readonly buildSeconds: number;
  readonly buildEventsPerSecond: number;
  readonly fileMB: number;
  /** Bytes per session in each table and index (SQLite's dbstat), at the first size only. */
  readonly bytesPerSession?: Readonly<Record<string, number>>;
  readonly queries: ReadonlyArray<QueryLatency>;
  readonly worstP99Ms: { readonly readModel: number; readonly api: number };
  readonly worstCpuP99Ms: { readonly readModel: number; readonly api: number };
  /** The machine's 1-minute load average when the queries started: above the core count, p99s include waits for a core. */
  readonly loadAverage: number;
  readonly target: { readonly p99Ms: 2; readonly metAtReadModel: boolean; readonly metAtApi: boolean };
}

export interface ListResult {
  readonly sizes: ReadonlyArray<ListSize>;
  readonly notes: ReadonlyArray<string>;
}

type Filters = Omit<SessionQuery, 'livemode' | 'limit'>;

interface QuerySpec {
  readonly name: string;
  readonly make: (random: ReturnType<typeof prng>, sessions: number) => Filters;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

const QUERIES: ReadonlyArray<QuerySpec> = [
  { name: 'no filter (newest page)', make: () => ({}) },
  { name: 'status=verified', make: () => ({ status: 'verified' }) },
  { name: 'status=processing (5%)', make: () => ({ status: 'processing' }) },
  { name: 'related_customer', make: (r) => ({ related_customer: customerIdOf(r.int(CUSTOMER_POOL)) }) },
  { name: 'related_customer + status=verified', make: (r) => ({ related_customer: customerIdOf(r.int(CUSTOMER_POOL)), status: 'verified' }) },
  // The worst case of a second filter: few of the customer's sessions match, so the whole customer is read.
  { name: 'related_customer + status=processing (5%)', make: (r) => ({ related_customer: customerIdOf(r.int(CUSTOMER_POOL)), status: 'processing' }) },
  {
    name: 'created range (1 h window)',
    make: (r, n) => {
      const from = createdOf(r.int(n));
      return { created: { gte: from, lt: from + HOUR } };
    },
  },
  {
    name: 'created range (1 day) + status=canceled',
    make: (r, n) => {
      const from = createdOf(r.int(n));
      return { created: { gte: from, lt: from + DAY }, status: 'canceled' };
    },
  },
  { name: 'client_reference_id', make: (r, n) => ({ client_reference_id: clientReferenceOf(r.int(n)) }) },
  { name: 'starting_after (random cursor)', make: (r, n) => ({ starting_after: sessionIdOf(r.int(n)) }) },
  { name: 'starting_after + status=verified', make: (r, n) => ({ starting_after: sessionIdOf(r.int(n)), status: 'verified' }) },
  { name: 'ending_before (random cursor)', make: (r, n) => ({ ending_before: sessionIdOf(r.int(n)) }) },
];

export const runListBenchmark = async (options: ListOptions): Promise<ListResult> => {
  const temp = tempDir('list');
  const notes: Array<string> = [];
  try {
    const file = temp.file('ledger.db');
    const database = openLedgerDatabase(file);
    const store = createSqliteEventStore(database);
    const readModel = createSqliteReadModel(database);
    const ledger = await createIdentityLedger({ store, keyStore: createMemoryKeyStore(), readModel, processing: false, apiKey: 'sk_test_bench' });
    try {
      const customers = toLedgerEvents(customerCommands(), 1n);
      await readModel.apply(customers.events);
      let nextPosition = customers.nextPosition;
      let sessions = 0;
      let events = customers.events.length;
      let buildMs = 0;
      const sizes: Array<ListSize> = [];
      const sessionsPerBatch = Math.max(1, Math.floor(options.batchEvents / EVENTS_PER_SESSION));

      for (const requested of [...options.sizes].sort((a, b) => a - b)) {
        log(`list: growing the read model to ${requested} sessions`);
        const growing = performance.now();
        let lastLog = performance.now();
        while (sessions < requested) {
          if ((buildMs + elapsedMs(growing)) / 1000 > options.buildBudgetSeconds) break;
          const commands = [];
          const until = Math.min(requested, sessions + sessionsPerBatch);
          for (let index = sessions; index < until; index++) commands.push(...sessionCommands(index));
          const batch = toLedgerEvents(commands, nextPosition);
          await readModel.apply(batch.events);
          nextPosition = batch.nextPosition;
          events += batch.events.length;
          sessions = until;
          if (performance.now() - lastLog > 10_000) {
            lastLog = performance.now();
            log(`list: ${sessions} sessions, ${events} events, ${round((buildMs + elapsedMs(growing)) / 1000, 0)} s`);
          }
        }
        buildMs += elapsedMs(growing);
        if (sessions < requested) {
          notes.push(
            `Building stopped at ${sessions} of ${requested} sessions: the build budget of ${options.buildBudgetSeconds} s was spent (${events} events applied in ${round(buildMs / 1000, 1)} s).`,
          );
          if (sizes.some((size) => size.sessions === sessions)) break;
        }
        log(`list: ${sessions} sessions (${events} events) after ${round(buildMs / 1000, 1)} s of building; querying`);
        database.pragma('wal_checkpoint(TRUNCATE)');
        const loadAverage = round(loadavg()[0] ?? Number.NaN, 2);
        const bytesPerSession = sizes.length === 0 ? tableSizes(database, sessions) : undefined;
        const queries = await measureQueries(database, readModel, ledger, sessions, options.iterations);
        const worst = {
          readModel: Math.max(...queries.map((q) => q.readModel.p99Ms)),
          api: Math.max(...queries.map((q) => q.api.p99Ms)),
        };
        const worstCpu = {
          readModel: Math.max(...queries.map((q) => q.readModelCpu.p99Ms)),
          api: Math.max(...queries.map((q) => q.apiCpu.p99Ms)),
        };
        sizes.push({
          requestedSessions: requested,
          sessions,
          events,
          buildSeconds: round(buildMs / 1000, 1),
          buildEventsPerSecond: round(events / (buildMs / 1000), 0),
          fileMB: round(statSync(file).size / MB, 1),
          ...(bytesPerSession === undefined ? {} : { bytesPerSession }),
          queries,
          worstP99Ms: worst,
          worstCpuP99Ms: worstCpu,
          loadAverage,
          target: { p99Ms: 2, metAtReadModel: worst.readModel <= 2, metAtApi: worst.api <= 2 },
        });
        if (sessions < requested) break;
      }
      return { sizes, notes };
    } finally {
      await ledger.close();
      await store.close();
      database.close();
    }
  } finally {
    temp.cleanup();
  }
};

type Ledger = Awaited<ReturnType<typeof createIdentityLedger>>;
type ReadModel = ReturnType<typeof createSqliteReadModel>;

/** Where the file's bytes are, per session (dbstat needs SQLITE_ENABLE_DBSTAT_VTAB; absent, nothing is reported). */
const tableSizes = (database: Database.Database, sessions: number): Record<string, number> | undefined => {
  try {
    const rows = database.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>;
    return Object.fromEntries(rows.filter((row) => row.bytes > 64 * 1024).map((row) => [row.name, round(row.bytes / sessions, 0)]));
  } catch {
    return undefined;
  }
};

/** The plan of the page query a list call ran (the cursor lookup, if any, is a primary-key read). */
const planOf = async (database: Database.Database, run: () => Promise<unknown>): Promise<string> => {
  const sql = (await statementsRun(run)).filter((text) => /ORDER BY created/.test(text));
  return sql
    .map((text) => {
      const nulls = Array.from({ length: (text.match(/\?/g) ?? []).length }, () => null);
      const rows = database.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...nulls) as Array<{ detail: string }>;
      return rows.map((row) => row.detail).join('; ');
    })
    .join(' | ');
};

const measureQueries = async (database: Database.Database, readModel: ReadModel, ledger: Ledger, sessions: number, iterations: number): Promise<Array<QueryLatency>> => {
  const out: Array<QueryLatency> = [];
  for (const [index, spec] of QUERIES.entries()) {
    // A few untimed rounds first, with parameters that are not timed.
    const random = prng(1000 + index);
    const params = Array.from({ length: iterations }, () => spec.make(random, sessions));
    const warm = Array.from({ length: Math.min(20, iterations) }, () => spec.make(random, sessions));
    for (const filters of warm) await readModel.listSessions({ livemode: false, limit: 100, ...filters });

    const modelSamples: Array<number> = [];
    const modelCpu: Array<number> = [];
    let rows = 0;
    const gc = await gcDuring(async () => {
      for (const filters of params) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const page = await readModel.listSessions({ livemode: false, limit: 100, ...filters });
        modelSamples.push(performance.now() - t0);
        modelCpu.push(cpuMsSince(cpu0));
        if (E.isLeft(page)) throw new Error(`listSessions ${spec.name}: ${page.left.message}`);
        rows += page.right.data.length;
      }
    });

    // Parameters of their own for the API, so it does not read pages the read-model pass just warmed.
    const apiRandom = prng(2000 + index);
    const apiParams = Array.from({ length: iterations }, () => spec.make(apiRandom, sessions));
    const list = ledger.identity.verificationSessions.list;
    for (const filters of warm) await list({ limit: 100, ...filters });
    const apiSamples: Array<number> = [];
    const apiCpu: Array<number> = [];
    for (const filters of apiParams) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await list({ limit: 100, ...filters });
      apiSamples.push(performance.now() - t0);
      apiCpu.push(cpuMsSince(cpu0));
    }
    const plan = await planOf(database, () => readModel.listSessions({ livemode: false, limit: 100, ...params[0] }));
    const sample = params.slice(0, Math.min(100, params.length));
    const sql = await measureStatements(
      async () => {
        for (const filters of sample) await readModel.listSessions({ livemode: false, limit: 100, ...filters });
      },
      () => sample.length,
    );
    out.push({
      name: spec.name,
      meanRows: round(rows / params.length, 1),
      readModel: summarize(modelSamples),
      api: summarize(apiSamples),
      readModelCpu: summarize(modelCpu),
      apiCpu: summarize(apiCpu),
      plan,
      sqlMeanMs: round(sql.sqlMsPerUnit, 3),
      gc,
    });
  }
  return out;
};
