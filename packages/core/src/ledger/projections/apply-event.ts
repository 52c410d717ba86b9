import { customerDecider, type CustomerEvent } from '../../domain/customer/customer.js';
import { sameData } from '../../domain/shared/equal.js';
import type { VerificationSessionEvent } from '../../domain/verification-session/events.js';
import type { LedgerEvent } from '../envelope.js';
import type { LedgerDomainEvent } from '../serializer.js';
import { CUSTOMER_STREAM_PREFIX, SESSION_STREAM_PREFIX } from '../streams.js';
import { projectAudit, type AuditEntry } from './audit-view.js';
import type { CustomerRow, IdempotencyRecord } from './read-model.js';
import { projectReports, type ReportRow } from './report-view.js';
import { projectSession, type SessionRow } from './session-view.js';

/**
 * What one event changes in the read model, written once for every adapter: each adapter only
 * says how to get and put rows (a Map, or SQL inside the batch's transaction).
 */
export interface ReadModelRows {
  readonly session: (id: string) => SessionRow | undefined;
  readonly putSession: (id: string, row: SessionRow) => void;
  readonly reportsOfSession: (sessionId: string) => ReadonlyArray<ReportRow>;
  readonly putReport: (row: ReportRow) => void;
  readonly lastAuditEntry: (sessionId: string) => AuditEntry | undefined;
  readonly appendAudit: (sessionId: string, entry: AuditEntry) => void;
  readonly customer: (id: string) => CustomerRow | undefined;
  readonly putCustomer: (id: string, row: CustomerRow) => void;
  readonly idempotency: (scope: string) => IdempotencyRecord | undefined;
  readonly putIdempotency: (scope: string, record: IdempotencyRecord) => void;
}

export const idempotencyScope = (key: string, livemode: boolean): string => `${livemode ? 'live' : 'test'}:${key}`;

const recordIdempotency = (rows: ReadModelRows, ledgerEvent: LedgerEvent<LedgerDomainEvent>, livemode: boolean) => {
  const { idempotencyKey, requestFingerprint, stream, revision } = ledgerEvent.envelope;
  if (idempotencyKey === null || requestFingerprint === null) return;
  const scope = idempotencyScope(idempotencyKey, livemode);
  const existing = rows.idempotency(scope);
  // The first request to use a key owns it; later events under the same key only extend it.
  if (existing !== undefined && (existing.stream !== stream || existing.fingerprint !== requestFingerprint)) return;
  rows.putIdempotency(scope, { key: idempotencyKey, livemode, fingerprint: requestFingerprint, stream, revision });
};

const applySessionEvent = (rows: ReadModelRows, ledgerEvent: LedgerEvent<VerificationSessionEvent>) => {
  const id = ledgerEvent.envelope.stream.slice(SESSION_STREAM_PREFIX.length);
  const row = projectSession(rows.session(id), ledgerEvent);
  if (row === undefined) return;
  rows.putSession(id, row);
  const before = rows.reportsOfSession(id);
  const after = projectReports(before, ledgerEvent, row.session);
  for (const reportRow of after) {
    const previous = before.find((existing) => existing.report.id === reportRow.report.id);
    if (previous === undefined || !sameData(previous, reportRow)) rows.putReport(reportRow);
  }
  const previous = rows.lastAuditEntry(id);
  const [entry] = projectAudit(previous ? [previous] : [], ledgerEvent, row.session.status).slice(-1);
  rows.appendAudit(id, entry!);
  recordIdempotency(rows, ledgerEvent, row.session.livemode);
};

const applyCustomerEvent = (rows: ReadModelRows, ledgerEvent: LedgerEvent<CustomerEvent>) => {
  const id = ledgerEvent.envelope.stream.slice(CUSTOMER_STREAM_PREFIX.length);
  const current = rows.customer(id);
  const next = customerDecider.evolve(current ? { _tag: 'Existing', customer: current.customer } : { _tag: 'Absent' }, ledgerEvent.event);
  if (next._tag === 'Absent') return;
  rows.putCustomer(id, { customer: next.customer, createdPosition: current?.createdPosition ?? ledgerEvent.envelope.position });
  recordIdempotency(rows, ledgerEvent, next.customer.livemode);
};

/** Folds one event into the rows; events of other streams change nothing. */
export const applyEvent = (rows: ReadModelRows, ledgerEvent: LedgerEvent<LedgerDomainEvent>): void => {
  if (ledgerEvent.envelope.stream.startsWith(SESSION_STREAM_PREFIX)) {
    applySessionEvent(rows, ledgerEvent as LedgerEvent<VerificationSessionEvent>);
  } else if (ledgerEvent.envelope.stream.startsWith(CUSTOMER_STREAM_PREFIX)) {
    applyCustomerEvent(rows, ledgerEvent as LedgerEvent<CustomerEvent>);
  }
};
