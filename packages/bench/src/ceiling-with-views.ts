import { createSqliteReadModel, openLedgerDatabase, type EventRow } from '@idledger/store-sqlite';
import Database from 'better-sqlite3';

/**
 * A diagnostic beside the ceiling: raw better-sqlite3 writing, in each command's one transaction,
 * the same event rows and the read-model rows the ledger's views hold for them, into the same
 * schema (the read model's own tables and indexes): the session's row (upserted, with its final
 * documents), one audit row per event, the report row the outcome creates, and the five
 * checkpoints. It shows how much of the gap to the ceiling is the durable views' writes and how
 * much is everything else. The session documents are the final ones for every command, so the
 * earlier commands write slightly larger rows than the ledger did.
 */

const SESSION_PREFIX = 'verification_session-';

interface SessionRow {
  readonly id: string;
  readonly livemode: bigint;
  readonly created: bigint;
  readonly created_position: bigint;
  readonly status: string;
  readonly related_customer: string | null;
  readonly related_customer_account: string | null;
  readonly client_reference_id: string | null;
  readonly revision: bigint;
  readonly doc: string;
  readonly detail: string | null;
}

interface AuditRow {
  readonly revision: bigint;
  readonly occurred_at: bigint | null;
  readonly recorded_at: bigint | null;
  readonly doc: string;
}

interface ReportRow {
  readonly id: string;
  readonly livemode: bigint;
  readonly created: bigint;
  readonly type: string;
  readonly client_reference_id: string | null;
  readonly doc: string;
}

/** One command's writes: its event rows and the view rows they produced in the ledger's file. */
export interface CommandWrites {
  readonly stream: string;
  readonly rows: ReadonlyArray<EventRow>;
  readonly session: SessionRow;
  /** Per event row, in order. */
  readonly audits: ReadonlyArray<AuditRow>;
  readonly reports: ReadonlyArray<ReportRow>;
}

/** Reads, outside any timing, the view rows the ledger wrote for a command's events. */
export const viewRowsReader = (ledgerFile: string) => {
  const database = new Database(ledgerFile, { readonly: true });
  const prepare = (sql: string) => database.prepare(sql).safeIntegers(true);
  const session = prepare(
    `SELECT id, livemode, created, created_position, status, related_customer, related_customer_account, client_reference_id,
      revision, doc, detail FROM rm_sessions WHERE id = ?`,
  );
  const audit = prepare('SELECT revision, occurred_at, recorded_at, doc FROM rm_audit WHERE session_id = ? AND position = ?');
  const reports = prepare('SELECT id, livemode, created, type, client_reference_id, doc FROM rm_reports WHERE session_id = ? AND created_position = ?');
  return {
    writesOf: (stream: string, rows: ReadonlyArray<EventRow>): CommandWrites => {
      const sessionId = stream.slice(SESSION_PREFIX.length);
      const found = session.get(sessionId) as SessionRow | undefined;
      if (found === undefined) throw new Error(`views ceiling: no session row for ${sessionId}`);
      const audits = rows.map((row) => {
        const entry = audit.get(sessionId, row.position) as AuditRow | undefined;
        if (entry === undefined) throw new Error(`views ceiling: no audit row for ${sessionId} at ${row.position}`);
        return entry;
      });
      return { stream, rows, session: found, audits, reports: rows.flatMap((row) => reports.all(sessionId, row.position) as Array<ReportRow>) };
    },
    close: () => database.close(),
  };
};

/** The diagnostic contender: returns a function timing one lifecycle's commands. */
export const openCeilingWithViews = (file: string, synchronous: 'FULL' | 'NORMAL') => {
  const database = openLedgerDatabase(file, { synchronous });
  // The read model's own schema: its tables, indexes and checkpoint rows.
  createSqliteReadModel(database);
  const prepare = (sql: string) => database.prepare(sql).safeIntegers(true);
  const last = prepare('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
  const insertEvent = prepare('INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // The read model's own statement (store-sqlite's read-model/rows.ts), written out: the point is raw SQL.
  const upsertSession = prepare(
    `INSERT INTO rm_sessions (id, livemode, created, created_position, status, related_customer, related_customer_account,
        client_reference_id, revision, doc, detail)
      VALUES (@id, @livemode, @created, @created_position, @status, @related_customer, @related_customer_account,
        @client_reference_id, @revision, @doc, @detail)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, related_customer = excluded.related_customer,
        related_customer_account = excluded.related_customer_account, client_reference_id = excluded.client_reference_id,
        revision = excluded.revision, doc = excluded.doc, detail = excluded.detail`,
  );
  const insertAudit = prepare(
    'INSERT INTO rm_audit (session_id, position, revision, occurred_at, recorded_at, doc) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const upsertReport = prepare(
    `INSERT INTO rm_reports (id, session_id, livemode, created, created_position, type, client_reference_id, doc)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
  );
  const checkpoint = prepare('UPDATE rm_checkpoints SET position = ? WHERE projection = ?');
  const projections = (database.prepare('SELECT projection FROM rm_checkpoints').pluck().all() as Array<string>).sort();

  const command = database.transaction((writes: CommandWrites) => {
    const current = last.get(writes.stream) as { revision: bigint } | undefined;
    const first = writes.rows[0]!;
    const expected = first.revision === 0n ? undefined : first.revision - 1n;
    if (current?.revision !== expected) throw new Error(`views ceiling: ${writes.stream} at ${String(current?.revision)}, expected ${String(expected)}`);
    const sessionId = writes.session.id;
    let position = 0n;
    writes.rows.forEach((row, index) => {
      position = BigInt(insertEvent.run(writes.stream, row.revision, row.event_id, row.type, row.data, row.metadata, row.recorded_at).lastInsertRowid);
      const entry = writes.audits[index]!;
      insertAudit.run(sessionId, position, entry.revision, entry.occurred_at, entry.recorded_at, entry.doc);
    });
    upsertSession.run({ ...writes.session, revision: writes.rows[writes.rows.length - 1]!.revision });
    for (const report of writes.reports) {
      upsertReport.run(report.id, sessionId, report.livemode, report.created, position, report.type, report.client_reference_id, report.doc);
    }
    for (const projection of projections) checkpoint.run(position, projection);
  });

  return {
    lifecycle: (commands: ReadonlyArray<CommandWrites>): number => {
      const t0 = performance.now();
      for (const writes of commands) command.immediate(writes);
      return performance.now() - t0;
    },
    close: () => database.close(),
  };
};
