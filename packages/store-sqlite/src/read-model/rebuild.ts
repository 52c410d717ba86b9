import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import {
  PROJECTED_STREAM_PREFIXES,
  type DeserializeError,
  type EventSerializer,
  type EventStore,
  type GlobalPosition,
  type LedgerDomainEvent,
  type LedgerEvent,
} from '@idledger/core/ledger';
import { transientLogReader } from '../event-store.js';
import { fusedReplayStep } from './fused-replay.js';
import { bulkDerivedWrites, derivedWrite } from './durability.js';
import { createCheckpoints, createRows, foldBatch, isAfter, type Checkpoint } from './rows.js';
import {
  NEXT_TABLES,
  PROJECTIONS,
  createNextTables,
  dropNextTables,
  indexNextTables,
  swapInNextTables,
  withDependencies,
  type ProjectionName,
} from './schema.js';

export interface RebuildProgress {
  /** Events folded into the new tables so far. */
  readonly applied: number;
  /** Events read but skipped because they could not be decoded. */
  readonly skipped: number;
  /** Position of the last event read, or 'start'. */
  readonly position: GlobalPosition | 'start';
}

export interface RebuildOptions {
  /** Default: every projection. */
  readonly projections?: ReadonlyArray<ProjectionName>;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Events per transaction. Default 5000. */
  readonly batchSize?: number;
  readonly onUndecodable?: (error: DeserializeError, position: GlobalPosition) => void;
}

/** The live side, as the read model exposes it: its checkpoint, and its own catch-up. */
export interface LiveTables {
  readonly checkpoint: () => Checkpoint;
  /** Applies a batch to the live tables in one transaction, moving their checkpoint to at least `through`. */
  readonly applyThrough: (events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>, through: GlobalPosition) => void;
}

/**
 * Events per page read from the log, and per window folded in memory before its rows are
 * written. Both are small so that what they hold dies young, in V8's nursery: with a window of a
 * whole 5,000-event batch, its rows lived through several scavenges, were promoted, and the old
 * generation's garbage set the peak heap (70-100 MB at 300k events against 40-55 MB now, with
 * less time in GC). Rows rewritten by several windows cost little: the transaction (the batch)
 * is what goes to disk.
 */
const PAGE_EVENTS = 100;
const WINDOW_EVENTS = 500;


type Sink = (events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>, through: GlobalPosition, undecodable: number) => void;

/**
 * Blue/green: replays the log into fresh `__next` tables in batches while reads and live updates
 * keep using the current ones, then swaps the selected projections in with their checkpoint in
 * one transaction. The swap only happens when both generations stand at the same position,
 * checked inside that transaction; until then whichever is behind is caught up from the log.
 */
export const rebuildReadModel = async (
  database: Database.Database,
  live: LiveTables,
  store: EventStore,
  serializer: EventSerializer,
  options: RebuildOptions = {},
): Promise<RebuildProgress> => {
  const selected = new Set(options.projections ?? PROJECTIONS);
  for (const name of selected) {
    if (!(PROJECTIONS as ReadonlyArray<string>).includes(name)) throw new TypeError(`Unknown projection '${String(name)}'`);
  }
  const batchSize = options.batchSize ?? 5000;
  // A fraction or NaN would end a page early (read as the log's end) or never end a step.
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError(`batchSize must be a positive integer, got ${String(options.batchSize)}`);
  const everything = PROJECTIONS.every((name) => selected.has(name));
  const built = withDependencies(selected);
  const checkpoints = createCheckpoints(database);

  createNextTables(database, built);
  const restoreSettings = bulkDerivedWrites(database);
  try {
    const rows = createRows(database, NEXT_TABLES, built);
    let progress: RebuildProgress = { applied: 0, skipped: 0, position: 'start' };

    const foldNext = database.transaction((events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>, through: GlobalPosition) =>
      foldBatch(rows, progress.position, events, through),
    );
    const intoNext: Sink = (events, through, undecodable) => {
      const result = derivedWrite(database, () => foldNext.immediate(events, through));
      progress = { applied: progress.applied + result.applied, skipped: progress.skipped + undecodable, position: result.position };
      options.onProgress?.(progress);
    };
    const intoLive: Sink = (events, through) => live.applyThrough(events, through);

    const filter = { streamPrefixes: PROJECTED_STREAM_PREFIXES };
    const sameConnection = transientLogReader(store, database, filter);

    /** Streams (from, until] in batches; ending at `until` even when its last events were not decodable. */
    const replay = async (from: Checkpoint, until: GlobalPosition | undefined, sink: Sink, report: boolean) => {
      let batch: Array<LedgerEvent<LedgerDomainEvent>> = [];
      let read = 0;
      let undecodable = 0;
      let last: GlobalPosition | undefined;
      let reached = from;
      const flush = (through: GlobalPosition | undefined) => {
        if (through === undefined || !isAfter(through, reached)) return;
        sink(batch, through, undecodable);
        reached = through;
        batch = [];
        read = 0;
        undecodable = 0;
      };
      for await (const recorded of store.readAll(from === 'start' ? { filter } : { fromPosition: from, filter })) {
        if (!isAfter(recorded.position, from)) continue;
        if (until !== undefined && isAfter(recorded.position, until)) break;
        const decoded = serializer.deserialize(recorded);
        if (E.isRight(decoded)) batch.push(decoded.right);
        else {
          undecodable++;
          if (report) options.onUndecodable?.(decoded.left, recorded.position);
        }
        last = recorded.position;
        if (++read >= batchSize) flush(last);
      }
      flush(until ?? last);
    };

    const swap = database.transaction((): Checkpoint | 'swapped' => {
      const current = live.checkpoint();
      // Every live table is replaced, so a live side behind the new one needs no catching up.
      const aligned = current === progress.position || (everything && isAfter(progress.position, current));
      if (!aligned) return current;
      swapInNextTables(database, selected);
      dropNextTables(database, new Set([...built].filter((name) => !selected.has(name))));
      if (progress.position !== 'start') checkpoints.write(progress.position, selected);
      return 'swapped';
    });

    const fused =
      sameConnection === undefined ? undefined : fusedReplayStep(database, sameConnection, rows, serializer, { pageSize: Math.min(PAGE_EVENTS, batchSize), windowEvents: Math.min(WINDOW_EVENTS, batchSize), batchSize }, options.onUndecodable);
    /** Into the new tables: fused steps when the log is on this connection, batches of decoded events otherwise. */
    const replayNext = async (until?: GlobalPosition) => {
      if (fused === undefined) return replay(progress.position, until, intoNext, true);
      for (;;) {
        const step = fused(progress.position, until);
        progress = { applied: progress.applied + step.applied, skipped: progress.skipped + step.skipped, position: step.position };
        options.onProgress?.(progress);
        if (step.done) return;
        // Live reads and appends of this process get their turn between steps.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };

    await replayNext();
    derivedWrite(database, () => indexNextTables(database, built));
    for (;;) {
      const outcome = swap.immediate();
      if (outcome === 'swapped') return progress;
      if (outcome !== 'start' && isAfter(outcome, progress.position)) await replayNext(outcome);
      // Only a partial rebuild gets here: the projections kept must reach the rebuilt position too.
      // The runner reports undecodable events it meets on the live side; reporting them here too would say it twice.
      else await replay(outcome, progress.position as GlobalPosition, intoLive, false);
    }
  } catch (error) {
    try {
      dropNextTables(database, built);
    } catch {
      // The original failure is the one worth reporting; leftovers are dropped by the next rebuild.
    }
    throw error;
  } finally {
    restoreSettings();
  }
};
