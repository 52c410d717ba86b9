import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { applyEvent, writeBackRows, type DeserializeError, type EventSerializer, type GlobalPosition, type ReadModelRows } from '@idledger/core/ledger';
import type { TransientLogReader } from '../event-store.js';
import { derivedWrite } from './durability.js';
import { isAfter, type Checkpoint } from './rows.js';

export interface FusedLimits {
  /** Events read per query. */
  readonly pageSize: number;
  /** Events folded in memory before the rows they changed are written, each once. */
  readonly windowEvents: number;
  /** Events read per step: one transaction. */
  readonly batchSize: number;
}

export interface FusedStep {
  /** The last position read (or `until` once reached). */
  readonly position: Checkpoint;
  readonly applied: number;
  readonly skipped: number;
  /** The log is read to its end (or to `until`). */
  readonly done: boolean;
}

/**
 * The rebuild's replay when the log lives on the same connection as the tables it fills: one
 * step reads a batch of events page by page, decodes each page and folds it into the rows in
 * memory, writing the rows a window of events changed once each, all inside one write
 * transaction. No decoded event outlives its page and none is frozen (none leaves the step); a
 * step holds one page and one window's rows, however long the log.
 */
export const fusedReplayStep = (
  database: Database.Database,
  read: TransientLogReader,
  rows: ReadModelRows,
  serializer: EventSerializer,
  limits: FusedLimits,
  onUndecodable?: (error: DeserializeError, position: GlobalPosition) => void,
): ((from: Checkpoint, until?: GlobalPosition) => FusedStep) => {
  const step = database.transaction((from: Checkpoint, until: GlobalPosition | undefined): FusedStep => {
    let position = from;
    let applied = 0;
    let skipped = 0;
    let folding = writeBackRows(rows);
    let inWindow = 0;
    let done = false;
    while (!done && applied + skipped < limits.batchSize) {
      const wanted = Math.min(limits.pageSize, limits.batchSize - applied - skipped);
      const page = read(position === 'start' ? -1n : position, wanted);
      const reached = until === undefined ? page : page.filter((recorded) => !isAfter(recorded.position, until));
      done = page.length < wanted || reached.length < page.length;
      // One view of the keys per page: a subject's events, read together, look its key up once.
      const decodedPage = serializer.deserializeMany?.(reached) ?? reached.map(serializer.deserialize);
      for (const [i, recorded] of reached.entries()) {
        const decoded = decodedPage[i]!;
        if (E.isRight(decoded)) {
          applyEvent(folding.rows, decoded.right);
          applied++;
        } else {
          skipped++;
          onUndecodable?.(decoded.left, recorded.position);
        }
        position = recorded.position;
      }
      inWindow += reached.length;
      if (inWindow >= limits.windowEvents) {
        folding.flush();
        folding = writeBackRows(rows);
        inWindow = 0;
      }
      if (until !== undefined && position === until) done = true;
    }
    folding.flush();
    if (done && until !== undefined && isAfter(until, position)) position = until;
    return { position, applied, skipped, done };
  });
  return (from, until) => derivedWrite(database, () => step.immediate(from, until));
};
