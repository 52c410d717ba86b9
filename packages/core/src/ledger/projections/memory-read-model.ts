import type { GlobalPosition } from '../event-store/port.js';
import { applyEvent, idempotencyScope, type ReadModelRows } from './apply-event.js';
import type { AuditEntry } from './audit-view.js';
import { createOrderedIndex } from './ordered-index.js';
import type { CustomerRow, IdempotencyRecord, ReadModel } from './read-model.js';
import type { ReportRow } from './report-view.js';
import type { SessionRow } from './session-view.js';

/** The read model in memory: rebuilt from the log at every start. */
export const createMemoryReadModel = (): ReadModel => {
  const sessions = createOrderedIndex<SessionRow>(
    (row) => ({ created: row.session.created, position: row.createdPosition }),
    (row) => row.session.livemode,
  );
  const reports = createOrderedIndex<ReportRow>(
    (row) => ({ created: row.report.created, position: row.createdPosition }),
    (row) => row.livemode,
  );
  const customers = createOrderedIndex<CustomerRow>(
    (row) => ({ created: row.customer.created, position: row.createdPosition }),
    (row) => row.customer.livemode,
  );
  const reportsBySession = new Map<string, Array<ReportRow>>();
  const audits = new Map<string, Array<AuditEntry>>();
  const idempotency = new Map<string, IdempotencyRecord>();
  let checkpoint: GlobalPosition | 'start' = 'start';

  const rows: ReadModelRows = {
    session: (id) => sessions.get(id),
    putSession: (id, row) => sessions.upsert(id, row),
    reportsOfSession: (sessionId) => reportsBySession.get(sessionId) ?? [],
    putReport: (row) => {
      reports.upsert(row.report.id, row);
      const ofSession = (reportsBySession.get(row.sessionId) ?? []).filter((existing) => existing.report.id !== row.report.id);
      reportsBySession.set(row.sessionId, [...ofSession, row]);
    },
    lastAuditEntry: (sessionId) => audits.get(sessionId)?.at(-1),
    appendAudit: (sessionId, entry) => {
      const entries = audits.get(sessionId) ?? [];
      entries.push(entry);
      audits.set(sessionId, entries);
    },
    customer: (id) => customers.get(id),
    putCustomer: (id, row) => customers.upsert(id, row),
    idempotency: (scope) => idempotency.get(scope),
    putIdempotency: (scope, record) => idempotency.set(scope, record),
  };

  return {
    apply: async (events) => {
      for (const ledgerEvent of events) {
        if (checkpoint !== 'start' && ledgerEvent.envelope.position <= checkpoint) continue;
        applyEvent(rows, ledgerEvent);
        checkpoint = ledgerEvent.envelope.position;
      }
    },
    checkpoint: async () => checkpoint,
    session: async (id, livemode) => {
      const row = sessions.get(id);
      return row?.session.livemode === livemode ? row : undefined;
    },
    listSessions: async (query) =>
      sessions.page(query, 'VerificationSession', ({ session }) =>
        (query.status === undefined || session.status === query.status) &&
        (query.related_customer === undefined || session.relatedCustomer === query.related_customer) &&
        (query.related_customer_account === undefined || session.relatedCustomerAccount === query.related_customer_account) &&
        (query.client_reference_id === undefined || session.clientReferenceId === query.client_reference_id),
      ),
    report: async (id, livemode) => {
      const row = reports.get(id);
      return row?.livemode === livemode ? row : undefined;
    },
    listReports: async (query) =>
      reports.page(query, 'VerificationReport', (row) =>
        (query.type === undefined || row.report.type === query.type) &&
        (query.verification_session === undefined || row.sessionId === query.verification_session) &&
        (query.client_reference_id === undefined || row.clientReferenceId === query.client_reference_id),
      ),
    audit: async (sessionId) => audits.get(sessionId) ?? [],
    customer: async (id, livemode) => {
      const row = customers.get(id);
      return row?.customer.livemode === livemode ? row : undefined;
    },
    listCustomers: async (query) =>
      customers.page(query, 'customer', ({ customer }) => query.email === undefined || customer.email === query.email),
    idempotencyRecord: async (key, livemode) => idempotency.get(idempotencyScope(key, livemode)),
  };
};
