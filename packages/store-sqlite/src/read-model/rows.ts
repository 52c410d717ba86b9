import type Database from 'better-sqlite3';
import { applyEvent, writeBackRows, type GlobalPosition, type LedgerDomainEvent, type LedgerEvent, type ReadModelRows } from '@idledger/core/ledger';
import {
  auditParams,
  customerParams,
  decodeAudit,
  decodeCustomer,
  decodeIdempotency,
  decodeReport,
  decodeSession,
  idempotencyParams,
  reportParams,
  sessionParams,
  type StoredReport,
} from './codec.js';
import { CHECKPOINT_TABLE, PROJECTIONS, type ProjectionName, type TableNames } from './schema.js';

/**
 * `applyEvent`'s rows over one generation of tables (live or next). A projection left out of
 * `enabled` has no table in that generation: it reads as empty and its writes are dropped, which
 * is only used by a rebuild for projections nothing selected depends on.
 */
export const createRows = (database: Database.Database, tables: TableNames, enabled: ReadonlySet<ProjectionName>): ReadModelRows => {
  const prepare = (projection: ProjectionName, sql: (table: string) => string) =>
    enabled.has(projection) ? database.prepare(sql(`"${tables[projection]}"`)).safeIntegers(true) : undefined;

  const getSession = prepare('sessions', (t) => `SELECT doc, detail, created_position, revision FROM ${t} WHERE id = ?`);
  const putSession = prepare(
    'sessions',
    (t) => `INSERT INTO ${t} (id, livemode, created, created_position, status, related_customer, related_customer_account,
        client_reference_id, revision, doc, detail)
      VALUES (@id, @livemode, @created, @created_position, @status, @related_customer, @related_customer_account,
        @client_reference_id, @revision, @doc, @detail)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, related_customer = excluded.related_customer,
        related_customer_account = excluded.related_customer_account, client_reference_id = excluded.client_reference_id,
        revision = excluded.revision, doc = excluded.doc, detail = excluded.detail`,
  );
  // `livemode IN (0, 1)`: two seeks into the (livemode, session_id, …) list index, as the mode is not known here.
  const reportsOfSession = prepare(
    'reports',
    (t) => `SELECT doc, session_id, livemode, client_reference_id, created_position FROM ${t} WHERE livemode IN (0, 1) AND session_id = ? ORDER BY created_position`,
  );
  const putReport = prepare(
    'reports',
    (t) => `INSERT INTO ${t} (id, session_id, livemode, created, created_position, type, client_reference_id, doc)
      VALUES (@id, @session_id, @livemode, @created, @created_position, @type, @client_reference_id, @doc)
      ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, livemode = excluded.livemode, created = excluded.created,
        created_position = excluded.created_position, type = excluded.type, client_reference_id = excluded.client_reference_id,
        doc = excluded.doc`,
  );
  const lastAudit = prepare(
    'audit',
    (t) => `SELECT position, revision, occurred_at, recorded_at, doc FROM ${t} WHERE session_id = ? ORDER BY position DESC LIMIT 1`,
  );
  // A plain INSERT: an event applied twice would be a bug, and failing the batch beats a duplicate entry.
  const appendAudit = prepare(
    'audit',
    (t) => `INSERT INTO ${t} (session_id, position, revision, occurred_at, recorded_at, doc)
      VALUES (@session_id, @position, @revision, @occurred_at, @recorded_at, @doc)`,
  );
  const getCustomer = prepare('customers', (t) => `SELECT doc, created_position FROM ${t} WHERE id = ?`);
  const putCustomer = prepare(
    'customers',
    (t) => `INSERT INTO ${t} (id, livemode, created, created_position, email, doc)
      VALUES (@id, @livemode, @created, @created_position, @email, @doc)
      ON CONFLICT (id) DO UPDATE SET email = excluded.email, doc = excluded.doc`,
  );
  const getIdempotency = prepare('idempotency', (t) => `SELECT key, livemode, fingerprint, stream, revision FROM ${t} WHERE scope = ?`);
  const putIdempotency = prepare(
    'idempotency',
    (t) => `INSERT INTO ${t} (scope, key, livemode, fingerprint, stream, revision)
      VALUES (@scope, @key, @livemode, @fingerprint, @stream, @revision)
      ON CONFLICT (scope) DO UPDATE SET key = excluded.key, livemode = excluded.livemode, fingerprint = excluded.fingerprint,
        stream = excluded.stream, revision = excluded.revision`,
  );

  const one = <Stored, Row>(statement: Database.Statement | undefined, decode: (stored: Stored) => Row, ...params: Array<unknown>) => {
    const stored = statement?.get(...params) as Stored | undefined;
    return stored === undefined ? undefined : decode(stored);
  };

  return {
    session: (id) => one(getSession, decodeSession, id),
    putSession: (id, row) => void putSession?.run(sessionParams(id, row)),
    reportsOfSession: (sessionId) => ((reportsOfSession?.all(sessionId) ?? []) as Array<StoredReport>).map(decodeReport),
    putReport: (row) => void putReport?.run(reportParams(row)),
    lastAuditEntry: (sessionId) => one(lastAudit, decodeAudit, sessionId),
    appendAudit: (sessionId, entry) => void appendAudit?.run(auditParams(sessionId, entry)),
    customer: (id) => one(getCustomer, decodeCustomer, id),
    putCustomer: (id, row) => void putCustomer?.run(customerParams(id, row)),
    idempotency: (scope) => one(getIdempotency, decodeIdempotency, scope),
    putIdempotency: (scope, record) => void putIdempotency?.run(idempotencyParams(scope, record)),
  };
};

export type Checkpoint = GlobalPosition | 'start';

export const isAfter = (a: Checkpoint, b: Checkpoint): boolean => a !== 'start' && (b === 'start' || a > b);

export interface Checkpoints {
  /** The position every projection has applied: their minimum (they only differ if edited by hand). */
  readonly read: () => Checkpoint;
  readonly write: (position: GlobalPosition, projections?: ReadonlySet<ProjectionName>) => void;
}

export const createCheckpoints = (database: Database.Database): Checkpoints => {
  const select = database.prepare(`SELECT projection, position FROM ${CHECKPOINT_TABLE}`).safeIntegers(true);
  const update = database.prepare(`UPDATE ${CHECKPOINT_TABLE} SET position = ? WHERE projection = ?`);
  return {
    read: () => {
      const positions = new Map((select.all() as Array<{ projection: string; position: bigint | null }>).map((row) => [row.projection, row.position]));
      let min: Checkpoint | undefined;
      for (const projection of PROJECTIONS) {
        const position = positions.get(projection) ?? null;
        if (position === null) return 'start';
        if (min === undefined || (min !== 'start' && position < min)) min = position;
      }
      return min ?? 'start';
    },
    write: (position, projections = new Set(PROJECTIONS)) => {
      for (const projection of projections) update.run(position, projection);
    },
  };
};

/**
 * Folds a batch into one generation of tables and moves its checkpoint, skipping what it already
 * holds. `through` moves the checkpoint past events read but not applied (undecodable ones), so
 * a catch-up that only met those still ends where it read to. Runs inside the caller's transaction.
 */
export const foldBatch = (
  rows: ReadModelRows,
  from: Checkpoint,
  events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>,
  through?: GlobalPosition,
): { readonly position: Checkpoint; readonly applied: number } => {
  let position = from;
  let applied = 0;
  const batch = writeBackRows(rows);
  for (const ledgerEvent of events) {
    if (!isAfter(ledgerEvent.envelope.position, position)) continue;
    applyEvent(batch.rows, ledgerEvent);
    position = ledgerEvent.envelope.position;
    applied++;
  }
  batch.flush();
  if (through !== undefined && isAfter(through, position)) position = through;
  return { position, applied };
};
