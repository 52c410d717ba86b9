import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import {
  PROJECTED_STREAM_PREFIXES,
  idempotencyScope,
  matchesFilter,
  type EventSerializer,
  type EventStore,
  type GlobalPosition,
  type LedgerDomainEvent,
  type LedgerEvent,
  type ReadModel,
  type RecordedEvent,
} from '@idledger/core/ledger';
import type { AppendProjection } from '../event-store.js';
import { filterClause } from '../event-rows.js';
import {
  bit,
  decodeAudit,
  decodeCustomer,
  decodeIdempotency,
  decodeReport,
  decodeSession,
  type StoredAudit,
  type StoredCustomer,
  type StoredReport,
  type StoredSession,
} from './codec.js';
import { derivedWrite } from './durability.js';
import { createLister, type ListSpec } from './queries.js';
import { rebuildReadModel, type RebuildOptions, type RebuildProgress } from './rebuild.js';
import { createCheckpoints, createRows, foldBatch } from './rows.js';
import { LIVE_TABLES, PROJECTIONS, ensureSchema, type ProjectionName } from './schema.js';

export type { ProjectionName, RebuildOptions, RebuildProgress };
export { PROJECTIONS };

export interface SqliteReadModel extends ReadModel {
  /**
   * Replays the log into fresh tables and swaps the selected projections in (blue/green); reads
   * and live updates use the current tables until the swap. One rebuild at a time per database.
   */
  readonly rebuild: (store: EventStore, serializer: EventSerializer, options?: RebuildOptions) => Promise<RebuildProgress>;
  /**
   * Applies appends of a store on the same file inside their own write transaction (pass it as the
   * store's `projection`), when the views have applied everything before them; otherwise the
   * events are left to the projection runner, which catches up in order.
   */
  readonly appendProjection: (serializer: EventSerializer) => AppendProjection;
  readonly appliedThrough: () => GlobalPosition | 'start';
}

const SESSION_LIST: ListSpec<StoredSession, ReturnType<typeof decodeSession>> = {
  table: LIVE_TABLES.sessions,
  select: 'doc, detail, created_position, revision',
  objectName: 'VerificationSession',
  decode: decodeSession,
};

const REPORT_LIST: ListSpec<StoredReport, ReturnType<typeof decodeReport>> = {
  table: LIVE_TABLES.reports,
  select: 'doc, session_id, livemode, client_reference_id, created_position',
  objectName: 'VerificationReport',
  decode: decodeReport,
};

const CUSTOMER_LIST: ListSpec<StoredCustomer, ReturnType<typeof decodeCustomer>> = {
  table: LIVE_TABLES.customers,
  select: 'doc, created_position',
  objectName: 'customer',
  decode: decodeCustomer,
};

/**
 * The durable read model on the ledger's SQLite file. Each batch is applied with its checkpoint
 * in one transaction and events at or below the checkpoint are skipped, so every event is
 * applied exactly once however often the runner (or a crash and restart) delivers it again.
 */
export const createSqliteReadModel = (database: Database.Database): SqliteReadModel => {
  ensureSchema(database);
  const rows = createRows(database, LIVE_TABLES, new Set(PROJECTIONS));
  const checkpoints = createCheckpoints(database);
  const list = createLister(database);
  const prepare = (sql: string) => database.prepare(sql).safeIntegers(true);

  const getSession = prepare(`SELECT ${SESSION_LIST.select} FROM ${LIVE_TABLES.sessions} WHERE id = ? AND livemode = ?`);
  const getReport = prepare(`SELECT ${REPORT_LIST.select} FROM ${LIVE_TABLES.reports} WHERE id = ? AND livemode = ?`);
  const getCustomer = prepare(`SELECT ${CUSTOMER_LIST.select} FROM ${LIVE_TABLES.customers} WHERE id = ? AND livemode = ?`);
  const getAudit = prepare(
    `SELECT position, revision, occurred_at, recorded_at, doc FROM ${LIVE_TABLES.audit} WHERE session_id = ? ORDER BY position`,
  );
  const getIdempotency = prepare(`SELECT key, livemode, fingerprint, stream, revision FROM ${LIVE_TABLES.idempotency} WHERE scope = ?`);

  // The checkpoint is read inside the transaction, not cached: another connection may share the file.
  const applyBatch = database.transaction((events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>, through?: GlobalPosition) => {
    const from = checkpoints.read();
    const { position } = foldBatch(rows, from, events, through);
    if (position !== from && position !== 'start') checkpoints.write(position);
  });

  const one = <Stored, Row>(statement: Database.Statement, decode: (stored: Stored) => Row, ...params: Array<unknown>): Row | undefined => {
    const stored = statement.get(...params) as Stored | undefined;
    return stored === undefined ? undefined : decode(stored);
  };

  let rebuilding = false;
  /** The newest position this connection has seen the views apply and commit: followers skip up to it. */
  let appliedMark: GlobalPosition | 'start' = 'start';
  const advanceMark = (position: GlobalPosition | 'start') => {
    if (position !== 'start' && (appliedMark === 'start' || position > appliedMark)) appliedMark = position;
  };

  const projected = filterClause({ streamPrefixes: PROJECTED_STREAM_PREFIXES });
  // Prepared on first use: a read model may live in a file without an event log.
  let lastProjectedBefore: Database.Statement | undefined;
  const projectedStreams = { streamPrefixes: PROJECTED_STREAM_PREFIXES };
  const isProjected = (event: RecordedEvent) => matchesFilter(event, projectedStreams);

  /** Inside the append's transaction: folds the appended events if the views stand right before them. */
  const applyAppended = (serializer: EventSerializer, recorded: ReadonlyArray<RecordedEvent>): GlobalPosition | undefined => {
    const first = recorded[0];
    if (first === undefined) return undefined;
    const events: Array<LedgerEvent<LedgerDomainEvent>> = [];
    for (const event of recorded) {
      if (!isProjected(event)) continue;
      const decoded = serializer.deserialize(event);
      // The runner reports what it cannot decode; here it is only left to it.
      if (E.isLeft(decoded)) return undefined;
      events.push(decoded.right);
    }
    if (events.length === 0) return undefined;
    lastProjectedBefore ??= database
      .prepare(`SELECT position FROM events WHERE position < @before${projected.sql} ORDER BY position DESC LIMIT 1`)
      .safeIntegers(true)
      .pluck();
    const before = lastProjectedBefore.get({ ...projected.params, before: first.position }) as bigint | undefined;
    const current = checkpoints.read();
    const caughtUp = before === undefined ? true : current !== 'start' && current >= before;
    if (!caughtUp) return undefined;
    const { position } = foldBatch(rows, current, events);
    if (position === current || position === 'start') return undefined;
    checkpoints.write(position);
    return position;
  };

  return {
    apply: async (events) => {
      if (events.length === 0) return;
      derivedWrite(database, () => applyBatch.immediate(events));
      advanceMark(events[events.length - 1]!.envelope.position);
      // The rows just rewritten without personal data still have their old images in the WAL
      // until it is checkpointed and truncated; secure_delete has zeroed them in the main file.
      if (events.some(({ event }) => event.type === 'VerificationSessionRedacted')) database.pragma('wal_checkpoint(TRUNCATE)');
    },
    checkpoint: async () => checkpoints.read(),
    appliedThrough: () => appliedMark,
    appendProjection: (serializer) => {
      let pending: GlobalPosition | undefined;
      return {
        project: (recorded) => {
          pending = undefined;
          pending = applyAppended(serializer, recorded);
        },
        committed: (recorded) => {
          if (pending === undefined) return;
          advanceMark(pending);
          pending = undefined;
          if (recorded.some((event) => event.type === 'VerificationSessionRedacted')) database.pragma('wal_checkpoint(TRUNCATE)');
        },
      };
    },
    session: async (id, livemode) => one(getSession, decodeSession, id, bit(livemode)),
    listSessions: async (query) =>
      list(SESSION_LIST, query, [
        { column: 'client_reference_id', value: query.client_reference_id },
        { column: 'related_customer_account', value: query.related_customer_account },
        { column: 'related_customer', value: query.related_customer },
        { column: 'status', value: query.status, withPrevious: true },
      ]),
    report: async (id, livemode) => one(getReport, decodeReport, id, bit(livemode)),
    listReports: async (query) =>
      list(REPORT_LIST, query, [
        { column: 'session_id', value: query.verification_session },
        { column: 'client_reference_id', value: query.client_reference_id },
        { column: 'type', value: query.type },
      ]),
    audit: async (sessionId) => (getAudit.all(sessionId) as Array<StoredAudit>).map(decodeAudit),
    customer: async (id, livemode) => one(getCustomer, decodeCustomer, id, bit(livemode)),
    listCustomers: async (query) => list(CUSTOMER_LIST, query, [{ column: 'email', value: query.email }]),
    idempotencyRecord: async (key, livemode) => one(getIdempotency, decodeIdempotency, idempotencyScope(key, livemode)),
    rebuild: async (store, serializer, options) => {
      if (rebuilding) throw new Error('A rebuild of this read model is already running');
      rebuilding = true;
      try {
        return await rebuildReadModel(
          database,
          { checkpoint: checkpoints.read, applyThrough: (events, through) => derivedWrite(database, () => applyBatch.immediate(events, through)) },
          store,
          serializer,
          options,
        );
      } finally {
        rebuilding = false;
      }
    },
  };
};
