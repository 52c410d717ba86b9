import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import {
  CHAIN_START,
  chainHashOf,
  createEventSerializer,
  sealingPersonalData,
  type ChainPosition,
  type EventSerializer,
  type EventStore,
  type ExpectedRevision,
} from '@idledger/core/ledger';
import { createSqliteEventStore, createSqliteReadModel, defaultKeyFile, openLedgerDatabase, openSqliteKeyStore, transientLogReader } from '@idledger/store-sqlite';
import * as E from 'fp-ts/lib/Either.js';
import { customerCommands, sessionCommands, type PlannedCommand } from './synthetic.js';
import { measureStatements, type StatementCost } from './statements.js';
import { elapsedMs, log, memorySampler, MB, round, tempDir, type MemoryPeak } from './support.js';

/**
 * 2. Projection rebuild: a log of real, decodable events (the real deciders' events, written by
 * the real serializer through the SQLite store's `appendToStream`, one append per command), then
 * `readModel.rebuild(store, serializer)` timed, with memory sampled on a timer and at every
 * progress callback. Each size runs in its own process (see main.ts), so peaks are not shared.
 */

export interface RebuildResult {
  readonly events: number;
  readonly sessions: number;
  readonly generateSeconds: number;
  readonly fileMB: number;
  readonly applied: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly memory: MemoryPeak;
  /** Heap in use after a forced GC at 25, 50, 75 and 100% of the rebuild. */
  readonly retainedHeapMB: ReadonlyArray<number>;
  readonly target: { readonly eventsPerSecond: 150_000; readonly met: boolean };
  readonly diagnostics?: RebuildDiagnostics;
}

/** Where a rebuild's time goes, measured in separate passes over the same log. */
export interface RebuildDiagnostics {
  /** `store.readAll()` alone: rows read and turned into frozen RecordedEvents. */
  readonly readAllEventsPerSecond: number;
  /** `store.readAll()` plus `serializer.deserialize` (envelope and event codecs): everything before the projections. */
  readonly readAndDecodeEventsPerSecond: number;
  /**
   * The same work as the rebuild does it on this store: raw pages of 100 rows on the same
   * connection, unfrozen, each page decoded by `serializer.deserializeMany` (one key-file snapshot per page).
   */
  readonly pagedReadAndDecodeEventsPerSecond: number;
  /** A second rebuild with every SQLite statement timed (slightly slower than the headline one). */
  readonly instrumentedEventsPerSecond: number;
  readonly sqlMsPerEvent: number;
  readonly wallMsPerEvent: number;
  readonly statements: ReadonlyArray<StatementCost>;
}

/**
 * The embedded ledger's own serializer for a file: personal data sealed under per-session keys
 * kept in `<file>.keys`, every event chained. Close it when done.
 */
export const ledgerSerializer = (file: string) => {
  const keys = openSqliteKeyStore(defaultKeyFile(file));
  return { serializer: createEventSerializer(sealingPersonalData(keys)), close: () => keys.close() };
};

const appendAll = async (
  store: EventStore,
  serializer: EventSerializer,
  commands: ReadonlyArray<PlannedCommand>,
  revisions: Map<string, ChainPosition>,
): Promise<number> => {
  let written = 0;
  for (const command of commands) {
    const current = revisions.get(command.stream);
    let at = current ?? CHAIN_START;
    const toAppend = command.events.map((event) => {
      const serialized = serializer.serialize(command.stream, event, command.context, command.occurredAt, randomUUID(), at);
      at = { revision: at.revision + 1n, previous: chainHashOf(serialized) };
      return serialized;
    });
    const expectedRevision: ExpectedRevision = current === undefined ? 'no_stream' : current.revision - 1n;
    const appended = await store.appendToStream(command.stream, toAppend, { expectedRevision })();
    if (E.isLeft(appended)) throw new Error(`generating the log: ${JSON.stringify(appended.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    revisions.set(command.stream, at);
    written += toAppend.length;
  }
  return written;
};

/** Writes at least `events` events; synchronous=NORMAL while generating (the log is scratch data), FULL again for the rebuild. */
export const generate = async (file: string, events: number): Promise<{ sessions: number; events: number }> => {
  const database = openLedgerDatabase(file, { synchronous: 'NORMAL' });
  const store = createSqliteEventStore(database);
  const { serializer, close } = ledgerSerializer(file);
  try {
    const revisions = new Map<string, ChainPosition>();
    let written = await appendAll(store, serializer, customerCommands(), revisions);
    let sessions = 0;
    while (written < events) {
      written += await appendAll(store, serializer, sessionCommands(sessions), revisions);
      revisions.clear(); // a session's stream is never touched again
      sessions++;
    }
    return { sessions, events: written };
  } finally {
    await store.close();
    database.close();
    close();
  }
};

export const runRebuildBenchmark = async (targetEvents: number, diagnostics = false): Promise<RebuildResult> => {
  const temp = tempDir(`rebuild-${targetEvents}`);
  try {
    const file = temp.file('ledger.db');
    log(`rebuild: generating ≥ ${targetEvents} events`);
    const generating = performance.now();
    const generated = await generate(file, targetEvents);
    const generateSeconds = round(elapsedMs(generating) / 1000, 1);
    const fileMB = round(statSync(file).size / MB, 1);
    log(`rebuild: ${generated.events} events (${generated.sessions} sessions) in ${generateSeconds} s; rebuilding`);

    const database = openLedgerDatabase(file);
    const store = createSqliteEventStore(database);
    const { serializer, close } = ledgerSerializer(file);
    try {
      const readModel = createSqliteReadModel(database);
      const memory = memorySampler();
      const started = performance.now();
      // Retained heap (after a forced GC) at each quarter of the log: flat if nothing grows with the events.
      const quarters = [0.25, 0.5, 0.75].map((share) => Math.floor(generated.events * share));
      const result = await readModel.rebuild(store, serializer, {
        onProgress: ({ applied }) => {
          if (quarters.length > 0 && applied >= quarters[0]!) {
            quarters.shift();
            memory.sampleRetained();
          } else memory.sample();
        },
      });
      memory.sampleRetained();
      const retainedHeapMB = memory.retained();
      const ms = elapsedMs(started);
      const peak = memory.stop();
      if (result.applied !== generated.events) throw new Error(`rebuild applied ${result.applied} of ${generated.events} events (skipped ${result.skipped})`);
      const listed = await readModel.listSessions({ livemode: false, limit: 1 });
      if (E.isLeft(listed) || listed.right.data.length !== 1) throw new Error('rebuild: the rebuilt sessions view is empty');
      const eventsPerSecond = round(result.applied / (ms / 1000), 0);

      let found: RebuildDiagnostics | undefined;
      if (diagnostics) {
        log('rebuild: diagnostics (read path alone, then an instrumented rebuild)');
        let t0 = performance.now();
        let read = 0;
        for await (const _event of store.readAll()) read++;
        const readAllEventsPerSecond = round(read / (elapsedMs(t0) / 1000), 0);
        t0 = performance.now();
        let decoded = 0;
        for await (const event of store.readAll()) if (E.isRight(serializer.deserialize(event))) decoded++;
        const readAndDecodeEventsPerSecond = round(decoded / (elapsedMs(t0) / 1000), 0);
        const readPage = transientLogReader(store, database);
        if (readPage === undefined || serializer.deserializeMany === undefined) throw new Error('rebuild: the store does not offer its paged reader');
        t0 = performance.now();
        let pagedDecoded = 0;
        for (let after = -1n; ; ) {
          const page = readPage(after, 100);
          if (page.length === 0) break;
          for (const event of serializer.deserializeMany(page)) if (E.isRight(event)) pagedDecoded++;
          after = page[page.length - 1]!.position;
        }
        const pagedReadAndDecodeEventsPerSecond = round(pagedDecoded / (elapsedMs(t0) / 1000), 0);
        const cost = await measureStatements(() => readModel.rebuild(store, serializer), (progress) => progress.applied, 14);
        found = {
          readAllEventsPerSecond,
          readAndDecodeEventsPerSecond,
          pagedReadAndDecodeEventsPerSecond,
          instrumentedEventsPerSecond: round(1000 / cost.wallMsPerUnit, 0),
          sqlMsPerEvent: cost.sqlMsPerUnit,
          wallMsPerEvent: cost.wallMsPerUnit,
          statements: cost.statements,
        };
      }
      return {
        events: generated.events,
        sessions: generated.sessions,
        generateSeconds,
        fileMB,
        applied: result.applied,
        seconds: round(ms / 1000, 2),
        eventsPerSecond,
        memory: peak,
        retainedHeapMB,
        target: { eventsPerSecond: 150_000, met: eventsPerSecond >= 150_000 },
        ...(found === undefined ? {} : { diagnostics: found }),
      };
    } finally {
      close();
      await store.close();
      database.close();
    }
  } finally {
    temp.cleanup();
  }
};
