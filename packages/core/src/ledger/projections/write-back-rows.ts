import type { ReadModelRows } from './apply-event.js';
import type { AuditEntry } from './audit-view.js';
import type { CustomerRow, IdempotencyRecord } from './read-model.js';
import type { ReportRow } from './report-view.js';
import type { SessionRow } from './session-view.js';

/**
 * Rows that remember, for one batch, what was read and written, and write each changed row once
 * at `flush`. A session usually meets several events in a batch; without this an adapter would
 * read and rewrite its row for every one of them. Audit entries, only ever added, go straight
 * through (so a long batch does not carry them all until its end). Use one per batch, inside
 * its transaction.
 */
export const writeBackRows = (rows: ReadModelRows): { readonly rows: ReadModelRows; readonly flush: () => void } => {
  const sessions = new Map<string, SessionRow | undefined>();
  const dirtySessions = new Set<string>();
  const reports = new Map<string, Array<ReportRow>>();
  const dirtyReports = new Map<string, ReportRow>();
  const lastAudit = new Map<string, AuditEntry | undefined>();
  const customers = new Map<string, CustomerRow | undefined>();
  const dirtyCustomers = new Set<string>();
  const idempotency = new Map<string, IdempotencyRecord | undefined>();
  const dirtyIdempotency = new Set<string>();

  const cached = <K, V>(cache: Map<K, V>, key: K, load: (key: K) => V): V => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = load(key);
    cache.set(key, value);
    return value;
  };

  return {
    rows: {
      session: (id) => cached(sessions, id, rows.session),
      putSession: (id, row) => {
        sessions.set(id, row);
        dirtySessions.add(id);
      },
      reportsOfSession: (sessionId) => cached(reports, sessionId, (id) => [...rows.reportsOfSession(id)]),
      putReport: (row) => {
        const ofSession = cached(reports, row.sessionId, (id) => [...rows.reportsOfSession(id)]);
        const index = ofSession.findIndex((existing) => existing.report.id === row.report.id);
        if (index === -1) ofSession.push(row);
        else ofSession[index] = row;
        dirtyReports.set(row.report.id, row);
      },
      lastAuditEntry: (sessionId) => cached(lastAudit, sessionId, rows.lastAuditEntry),
      // Entries are only ever added, each once: written at once, they need not outlive the event.
      appendAudit: (sessionId, entry) => {
        lastAudit.set(sessionId, entry);
        rows.appendAudit(sessionId, entry);
      },
      customer: (id) => cached(customers, id, rows.customer),
      putCustomer: (id, row) => {
        customers.set(id, row);
        dirtyCustomers.add(id);
      },
      idempotency: (scope) => cached(idempotency, scope, rows.idempotency),
      putIdempotency: (scope, record) => {
        idempotency.set(scope, record);
        dirtyIdempotency.add(scope);
      },
    },
    flush: () => {
      for (const id of dirtySessions) rows.putSession(id, sessions.get(id)!);
      for (const row of dirtyReports.values()) rows.putReport(row);
      for (const id of dirtyCustomers) rows.putCustomer(id, customers.get(id)!);
      for (const scope of dirtyIdempotency) rows.putIdempotency(scope, idempotency.get(scope)!);
    },
  };
};
