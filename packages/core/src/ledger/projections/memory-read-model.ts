
import { customerDecider, type CustomerEvent } from '../../domain/customer/customer.js';
import type { VerificationSessionEvent } from '../../domain/verification-session/events.js';
import type { LedgerEvent } from '../envelope.js';
import type { GlobalPosition } from '../event-store/port.js';
import type { LedgerDomainEvent } from '../serializer.js';
import { CUSTOMER_STREAM_PREFIX, SESSION_STREAM_PREFIX } from '../streams.js';
import { projectAudit, type AuditEntry } from './audit-view.js';
import { createOrderedIndex } from './ordered-index.js';
import type { CustomerRow, IdempotencyRecord, ReadModel } from './read-model.js';
import { projectReports, type ReportRow } from './report-view.js';
import { projectSession, type SessionRow } from './session-view.js';

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
  const reportsBySession = new Map<string, ReadonlyArray<ReportRow>>();
  const audits = new Map<string, ReadonlyArray<AuditEntry>>();
  const idempotency = new Map<string, IdempotencyRecord>();
  let checkpoint: GlobalPosition | 'start' = 'start';

  const idempotencyScope = (key: string, livemode: boolean) => `${livemode ? 'live' : 'test'}:${key}`;

  const recordIdempotency = (ledgerEvent: LedgerEvent<LedgerDomainEvent>, livemode: boolean) => {
    const { idempotencyKey, requestFingerprint, stream, revision } = ledgerEvent.envelope;
    if (idempotencyKey === null || requestFingerprint === null) return;
    const scope = idempotencyScope(idempotencyKey, livemode);
    const existing = idempotency.get(scope);
    // The first request to use a key owns it; later events under the same key only extend it.
    if (existing !== undefined && (existing.stream !== stream || existing.fingerprint !== requestFingerprint)) return;
    idempotency.set(scope, { key: idempotencyKey, livemode, fingerprint: requestFingerprint, stream, revision });
  };

  const applySessionEvent = (ledgerEvent: LedgerEvent<VerificationSessionEvent>) => {
    const id = ledgerEvent.envelope.stream.slice(SESSION_STREAM_PREFIX.length);
    const row = projectSession(sessions.get(id), ledgerEvent);
    if (row === undefined) return;
    sessions.upsert(id, row);
    const reportRows = projectReports(reportsBySession.get(id) ?? [], ledgerEvent, row.session);
    reportsBySession.set(id, reportRows);
    for (const reportRow of reportRows) reports.upsert(reportRow.report.id, reportRow);
    audits.set(id, projectAudit(audits.get(id) ?? [], ledgerEvent, row.session.status));
    recordIdempotency(ledgerEvent, row.session.livemode);
  };

  const applyCustomerEvent = (ledgerEvent: LedgerEvent<CustomerEvent>) => {
    const id = ledgerEvent.envelope.stream.slice(CUSTOMER_STREAM_PREFIX.length);
    const current = customers.get(id);
    const next = customerDecider.evolve(current ? { _tag: 'Existing', customer: current.customer } : { _tag: 'Absent' }, ledgerEvent.event);
    if (next._tag === 'Absent') return;
    customers.upsert(id, { customer: next.customer, createdPosition: current?.createdPosition ?? ledgerEvent.envelope.position });
    recordIdempotency(ledgerEvent, next.customer.livemode);
  };

  return {
    apply: async (events) => {
      for (const ledgerEvent of events) {
        if (checkpoint !== 'start' && ledgerEvent.envelope.position <= checkpoint) continue;
        if (ledgerEvent.envelope.stream.startsWith(SESSION_STREAM_PREFIX)) {
          applySessionEvent(ledgerEvent as LedgerEvent<VerificationSessionEvent>);
        } else if (ledgerEvent.envelope.stream.startsWith(CUSTOMER_STREAM_PREFIX)) {
          applyCustomerEvent(ledgerEvent as LedgerEvent<CustomerEvent>);
        }
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

