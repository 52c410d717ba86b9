import { openEmbeddedLedger, openLedgerDatabase, type EventRow } from '@idledger/store-sqlite';
import Database from 'better-sqlite3';
import { openCeilingWithViews, viewRowsReader } from './ceiling-with-views.js';
import { openEmmett, type Steps } from './emmett.js';
import { measureStatements, type StatementCost } from './statements.js';
import { log, round, summarize, tempDir, type LatencySummary } from './support.js';

/**
 * 1. Full lifecycle on SQLite: create → submit (test helper `verify`) → verified (the process
 * manager records the outcome), one session at a time, each lifecycle timed from the create
 * call until `whenIdle()` resolves. Beside it, in the same process:
 * - the ceiling: the exact event rows the ledger appended, read back from its file and inserted
 *   into a fresh file opened by the store's own `openLedgerDatabase` (same schema, WAL,
 *   synchronous), one IMMEDIATE transaction per command with the store's expected-revision
 *   SELECT before the INSERTs — what any store must do at the least;
 * - Emmett (`@event-driven-io/emmett-sqlite`) running the same decider through its
 *   `DeciderCommandHandler`.
 * The contenders take turns in rounds (idledger, then the ceiling on the rows idledger just
 * wrote, then Emmett), so a slow patch of the disk's fsync latency hits all of them alike.
 */

export interface LifecycleOptions {
  readonly lifecycles: number;
  readonly warmup: number;
  readonly rounds: number;
  /** Also: idledger and the ceiling with synchronous=NORMAL (no fsync per commit), and a per-statement breakdown. */
  readonly diagnostics: boolean;
}

export interface LifecycleRun {
  readonly name: string;
  readonly synchronous: 'FULL' | 'NORMAL' | 'default (FULL)';
  readonly lifecycles: number;
  readonly commandsPerLifecycle: number;
  /** Sum of the lifecycles' wall time (the contenders' turns, without the others' in between). */
  readonly seconds: number;
  readonly lifecyclesPerSecond: number;
  readonly commandsPerSecond: number;
  readonly latency: LatencySummary;
  /** Per-step latency where the steps can be told apart. */
  readonly steps?: Record<string, LatencySummary>;
  readonly notes?: ReadonlyArray<string>;
}

/** Where the SQLite time of one lifecycle goes (a separate, instrumented pass). */
export interface StatementBreakdown {
  readonly name: string;
  readonly lifecycles: number;
  readonly wallMsPerLifecycle: number;
  readonly sqlMsPerLifecycle: number;
  readonly commitsPerLifecycle: number;
  readonly statements: ReadonlyArray<StatementCost>;
}

export interface LifecycleResult {
  readonly runs: ReadonlyArray<LifecycleRun>;
  readonly rounds: number;
  readonly breakdown?: ReadonlyArray<StatementBreakdown>;
  readonly eventsPerLifecycle: number;
  readonly meanEventBytes: number;
  readonly ratios: {
    readonly idledgerToCeiling: number;
    readonly idledgerToEmmett: number;
    /** Diagnostic: against raw inserts of the same event rows and the same read-model rows. */
    readonly idledgerToCeilingWithViews: number;
    readonly targetCeilingRatio: 0.5;
    readonly targetEmmettRatio: 2;
    readonly ceilingTargetMet: boolean;
    readonly emmettTargetMet: boolean;
  };
}

const COMMANDS_PER_LIFECYCLE = 3; // create, submit, record outcome

/** The rows of the `events` table, as the store wrote them. */
type StoredRow = EventRow;

/** One append: the rows one command wrote. */
interface Append {
  readonly stream: string;
  readonly rows: ReadonlyArray<StoredRow>;
}

/** Samples of one contender, gathered over the rounds. */
const collector = () => {
  const samples: Array<number> = [];
  const steps = { create: [] as Array<number>, submit: [] as Array<number>, outcome: [] as Array<number> };
  return {
    samples,
    add: (total: number, parts?: Steps) => {
      samples.push(total);
      if (parts === undefined) return;
      steps.create.push(parts.create);
      steps.submit.push(parts.submit);
      steps.outcome.push(parts.outcome);
    },
    run: (name: string, synchronous: LifecycleRun['synchronous'], stepNames?: readonly [string, string, string], notes?: ReadonlyArray<string>): LifecycleRun => {
      const seconds = samples.reduce((sum, ms) => sum + ms, 0) / 1000;
      return {
        name,
        synchronous,
        lifecycles: samples.length,
        commandsPerLifecycle: COMMANDS_PER_LIFECYCLE,
        seconds: round(seconds, 2),
        lifecyclesPerSecond: round(samples.length / seconds),
        commandsPerSecond: round((samples.length * COMMANDS_PER_LIFECYCLE) / seconds),
        latency: summarize(samples),
        ...(stepNames === undefined
          ? {}
          : { steps: { [stepNames[0]]: summarize(steps.create), [stepNames[1]]: summarize(steps.submit), [stepNames[2]]: summarize(steps.outcome) } }),
        ...(notes === undefined ? {} : { notes }),
      };
    },
  };
};

/** The ledger under test: `lifecycle(i)` runs one lifecycle and says how long each step took. */
const openIdledger = async (file: string, synchronous: 'FULL' | 'NORMAL') => {
  const backgroundErrors: Array<unknown> = [];
  const ledger = await openEmbeddedLedger({
    file,
    database: { synchronous },
    apiKey: 'sk_test_bench',
    simulatedDelayMs: 0,
    onBackgroundError: (error) => backgroundErrors.push(error),
  });
  const sessions = ledger.identity.verificationSessions;
  const helpers = ledger.testHelpers.identity.verificationSessions;
  let lifecycles = 0;
  let lastId: string | undefined;
  return {
    lifecycle: async (i: number): Promise<Steps> => {
      const t0 = performance.now();
      const session = await sessions.create({ type: 'document', client_reference_id: `ref_${i}`, metadata: { order_id: `ord_${i}` } });
      const t1 = performance.now();
      await helpers.verify(session.id);
      const t2 = performance.now();
      await ledger.whenIdle();
      const t3 = performance.now();
      lifecycles++;
      lastId = session.id;
      return { create: t1 - t0, submit: t2 - t1, outcome: t3 - t2 };
    },
    close: async () => {
      // Outside the timing: the sessions must really have ended verified, and nothing else written.
      if (lastId !== undefined) {
        const session = await sessions.retrieve(lastId);
        if (session.status !== 'verified') throw new Error(`idledger: session ${lastId} ended ${session.status}, not verified`);
      }
      const events = ledger.eventCount();
      await ledger.close();
      if (backgroundErrors.length > 0) throw new Error(`idledger: background errors: ${String(backgroundErrors[0])}`);
      if (events !== lifecycles * COMMANDS_PER_LIFECYCLE) throw new Error(`idledger: expected ${lifecycles * COMMANDS_PER_LIFECYCLE} events, the file has ${events}`);
    },
  };
};

/** Reads what the ledger appended since the last call, as lifecycles of appends (consecutive rows of one command share stream and envelope). */
const appendReader = (file: string) => {
  const database = new Database(file, { readonly: true });
  const select = database
    .prepare('SELECT position, stream, revision, event_id, type, data, metadata, recorded_at FROM events WHERE position > ? ORDER BY position')
    .safeIntegers(true);
  let after = 0n;
  const rowsRead: Array<StoredRow> = [];
  return {
    rowsRead,
    next: (): Array<Array<Append>> => {
      const rows = select.all(after) as Array<StoredRow>;
      const appends: Array<{ stream: string; key: string; rows: Array<StoredRow> }> = [];
      for (const row of rows) {
        const meta = JSON.parse(row.metadata) as { occurred_at: string; request_id: string | null; causation_id: string | null };
        const key = `${meta.occurred_at}|${meta.request_id}|${meta.causation_id}|${row.recorded_at}`;
        const last = appends[appends.length - 1];
        if (last !== undefined && last.stream === row.stream && last.key === key) last.rows.push(row);
        else appends.push({ stream: row.stream, key, rows: [row] });
        after = row.position;
        rowsRead.push(row);
      }
      // Lifecycles were run one after another, so each session's appends are consecutive.
      const lifecycles: Array<Array<Append>> = [];
      for (const append of appends) {
        const current = lifecycles[lifecycles.length - 1];
        if (current !== undefined && current[0]!.stream === append.stream) current.push(append);
        else lifecycles.push([append]);
      }
      for (const lifecycle of lifecycles) {
        const lastRow = lifecycle[lifecycle.length - 1]!.rows.at(-1)!;
        if (lifecycle.length !== COMMANDS_PER_LIFECYCLE || lastRow.type !== 'VerificationSessionVerified') {
          throw new Error(`ceiling: ${lifecycle[0]!.stream} has ${lifecycle.length} appends ending with ${lastRow.type}; expected ${COMMANDS_PER_LIFECYCLE} ending verified`);
        }
      }
      return lifecycles;
    },
    close: () => database.close(),
  };
};

/** The ceiling: the same rows, the same transactions, nothing else. Returns a function timing one lifecycle. */
const openCeiling = (file: string, synchronous: 'FULL' | 'NORMAL') => {
  const database = openLedgerDatabase(file, { synchronous });
  // The store's own statements (packages/store-sqlite/src/event-store.ts).
  const last = database.prepare('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').safeIntegers(true);
  const insert = database
    .prepare('INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .safeIntegers(true);
  const append = database.transaction((stream: string, rows: ReadonlyArray<StoredRow>) => {
    const current = last.get(stream) as { revision: bigint } | undefined;
    const expected = rows[0]!.revision === 0n ? undefined : rows[0]!.revision - 1n;
    if (current?.revision !== expected) throw new Error(`ceiling: ${stream} at ${String(current?.revision)}, expected ${String(expected)}`);
    let position = 0n;
    for (const row of rows) position = BigInt(insert.run(stream, row.revision, row.event_id, row.type, row.data, row.metadata, row.recorded_at).lastInsertRowid);
    return position;
  });
  return {
    lifecycle: (appends: ReadonlyArray<Append>): number => {
      const t0 = performance.now();
      for (const { stream, rows } of appends) append.immediate(stream, rows);
      return performance.now() - t0;
    },
    close: () => database.close(),
  };
};

const sum = (steps: Steps) => steps.create + steps.submit + steps.outcome;

/** idledger, the ceiling and (when given) Emmett, in turns of `perRound` lifecycles. */
const race = async (
  dir: ReturnType<typeof tempDir>,
  label: string,
  synchronous: 'FULL' | 'NORMAL',
  withEmmett: boolean,
  lifecycles: number,
  warmup: number,
  rounds: number,
) => {
  const idledgerFile = dir.file(`${label}-idledger.db`);
  const idledger = await openIdledger(idledgerFile, synchronous);
  const reader = appendReader(idledgerFile);
  const ceiling = openCeiling(dir.file(`${label}-ceiling.db`), synchronous);
  const emmett = withEmmett ? openEmmett(dir.file(`${label}-emmett.db`)) : undefined;
  // The diagnostic beside the ceiling rides along with the main race only.
  const views = withEmmett ? { reader: viewRowsReader(idledgerFile), ceiling: openCeilingWithViews(dir.file(`${label}-views.db`), synchronous) } : undefined;
  const results = { idledger: collector(), ceiling: collector(), emmett: collector(), views: collector() };
  let emmettNotes: ReadonlyArray<string> = [];
  try {
    let index = 0;
    const turn = async (count: number, timed: boolean) => {
      const first = index;
      for (let i = first; i < first + count; i++) {
        const steps = await idledger.lifecycle(i);
        if (timed) results.idledger.add(sum(steps), steps);
      }
      const lifecyclesRead = reader.next();
      for (const appends of lifecyclesRead) {
        const ms = ceiling.lifecycle(appends);
        if (timed) results.ceiling.add(ms);
      }
      if (views !== undefined) {
        for (const appends of lifecyclesRead) {
          const ms = views.ceiling.lifecycle(appends.map(({ stream, rows }) => views.reader.writesOf(stream, rows)));
          if (timed) results.views.add(ms);
        }
      }
      if (emmett !== undefined) {
        for (let i = first; i < first + count; i++) {
          const steps = await emmett.lifecycle(i);
          if (timed) results.emmett.add(sum(steps), steps);
        }
      }
      index += count;
    };
    await turn(warmup, false);
    for (let round = 0; round < rounds; round++) {
      const count = Math.floor(lifecycles / rounds) + (round < lifecycles % rounds ? 1 : 0);
      await turn(count, true);
    }
  } finally {
    await idledger.close();
    reader.close();
    ceiling.close();
    views?.reader.close();
    views?.ceiling.close();
    if (emmett !== undefined) emmettNotes = await emmett.close();
  }
  return { results, emmettNotes, rows: reader.rowsRead };
};

export const runLifecycleBenchmark = async (options: LifecycleOptions): Promise<LifecycleResult> => {
  const temp = tempDir('lifecycle');
  try {
    const rounds = Math.max(1, Math.min(options.rounds, options.lifecycles));
    log(`lifecycle: ${options.lifecycles} lifecycles per contender in ${rounds} rounds (after ${options.warmup} untimed), synchronous=FULL`);
    const main = await race(temp, 'full', 'FULL', true, options.lifecycles, options.warmup, rounds);
    const stepNames = ['create', 'submit', 'outcome (until whenIdle)'] as const;
    const idledger = main.results.idledger.run('idledger (openEmbeddedLedger)', 'FULL', stepNames);
    const ceiling = main.results.ceiling.run('ceiling (raw better-sqlite3, same rows)', 'FULL');
    const emmett = main.results.emmett.run('emmett-sqlite 0.38.5 (DeciderCommandHandler)', 'default (FULL)', ['create', 'submit', 'outcome'], main.emmettNotes);
    const withViews = main.results.views.run('ceiling + the same read-model rows (diagnostic)', 'FULL');
    const runs: Array<LifecycleRun> = [idledger, ceiling, emmett, withViews];
    const meanEventBytes = round(main.rows.reduce((total, row) => total + Buffer.byteLength(row.data) + Buffer.byteLength(row.metadata), 0) / main.rows.length, 0);

    let breakdown: Array<StatementBreakdown> | undefined;
    if (options.diagnostics) {
      log('lifecycle: diagnostics, synchronous=NORMAL (no fsync per commit)');
      const normal = await race(temp, 'normal', 'NORMAL', false, options.lifecycles, options.warmup, rounds);
      runs.push(normal.results.idledger.run('idledger, synchronous=NORMAL (diagnostic)', 'NORMAL', stepNames));
      runs.push(normal.results.ceiling.run('ceiling, synchronous=NORMAL (diagnostic)', 'NORMAL'));

      const count = Math.min(options.lifecycles, 300);
      log(`lifecycle: diagnostics, statement breakdown (${count} instrumented lifecycles, synchronous=FULL)`);
      breakdown = await statementBreakdown(temp, count);
    }

    const idledgerToCeiling = round(idledger.lifecyclesPerSecond / ceiling.lifecyclesPerSecond, 3);
    const idledgerToEmmett = round(idledger.lifecyclesPerSecond / emmett.lifecyclesPerSecond, 3);
    const idledgerToCeilingWithViews = round(idledger.lifecyclesPerSecond / withViews.lifecyclesPerSecond, 3);
    return {
      runs,
      rounds,
      ...(breakdown === undefined ? {} : { breakdown }),
      eventsPerLifecycle: round(main.rows.length / (options.lifecycles + options.warmup), 2),
      meanEventBytes,
      ratios: {
        idledgerToCeiling,
        idledgerToEmmett,
        idledgerToCeilingWithViews,
        targetCeilingRatio: 0.5,
        targetEmmettRatio: 2,
        ceilingTargetMet: idledgerToCeiling >= 0.5,
        emmettTargetMet: idledgerToEmmett >= 2,
      },
    };
  } finally {
    temp.cleanup();
  }
};

/** Instrumented passes, idledger's and the ceiling's apart: which statements, how often, how long. */
const statementBreakdown = async (dir: ReturnType<typeof tempDir>, count: number): Promise<Array<StatementBreakdown>> => {
  const file = dir.file('statements-idledger.db');
  const idledger = await openIdledger(file, 'FULL');
  const reader = appendReader(file);
  let ledgerCost;
  try {
    for (let i = 0; i < 20; i++) await idledger.lifecycle(i);
    reader.next();
    ledgerCost = await measureStatements(
      async () => {
        for (let i = 20; i < 20 + count; i++) await idledger.lifecycle(i);
      },
      () => count,
      40,
    );
  } finally {
    await idledger.close();
  }
  const appends = reader.next();
  reader.close();
  const ceiling = openCeiling(dir.file('statements-ceiling.db'), 'FULL');
  let ceilingCost;
  try {
    ceilingCost = await measureStatements(
      async () => {
        for (const lifecycle of appends) ceiling.lifecycle(lifecycle);
      },
      () => appends.length,
      40,
    );
  } finally {
    ceiling.close();
  }
  return [
    { name: 'idledger', cost: ledgerCost },
    { name: 'ceiling', cost: ceilingCost },
  ].map(({ name, cost }) => ({
    name,
    lifecycles: count,
    wallMsPerLifecycle: cost.wallMsPerUnit,
    sqlMsPerLifecycle: cost.sqlMsPerUnit,
    commitsPerLifecycle: cost.statements.find((statement) => statement.sql === 'COMMIT')?.callsPerUnit ?? 0,
    statements: cost.statements,
  }));
};
