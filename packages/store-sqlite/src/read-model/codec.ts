import type { AuditEntry, CustomerRow, IdempotencyRecord, ReportRow, SessionRow } from '@idledger/core/ledger';

/**
 * Rows as SQLite stores them and back. Everything read is read with safe integers, so positions
 * and revisions come back as the bigints they were; Dates are kept as epoch milliseconds. Decoded
 * objects are built with the same keys in the same order as the pure projections build them, so
 * they equal the memory adapter's rows exactly (and serialise the same).
 */

/** `created` and `created_position` of a row, as read back for a cursor. */
export interface OrderColumns {
  readonly created: number | bigint;
  readonly created_position: bigint;
}

export const bit = (flag: boolean): number => (flag ? 1 : 0);

const isSet = (value: number | bigint): boolean => value !== 0 && value !== 0n;

/**
 * A session is stored in two JSON documents. `doc` holds what a list page and a plain retrieve
 * render; `detail` holds the bulky rest (every report of every attempt, which the reports table
 * holds again, the verified outputs, what the end user has handed over, write-only personal
 * data), read only when asked for: only an `expand`, the fold and compliance sweeps touch it.
 * A row written before the split has the whole state in `doc` and no `detail`; it is read as
 * before and rewritten in two parts when its session next changes or the read model is rebuilt.
 * So is a whole `doc` beside a `detail` (an earlier version wrote the row after this one had).
 */
export interface StoredSession {
  readonly doc: string;
  readonly detail: string | null;
  readonly created_position: bigint;
  readonly revision: bigint;
}

type SessionData = SessionRow['session'];
type SessionDetail = Pick<SessionData, 'providedIdentity' | 'verifiedOutputs' | 'reports' | 'collected'>;
type ListedSession = Omit<SessionData, keyof SessionDetail>;

export const sessionParams = (id: string, row: SessionRow) => {
  const { providedIdentity, verifiedOutputs, reports, collected, ...listed } = row.session;
  const detail: SessionDetail = { providedIdentity, verifiedOutputs, reports, collected };
  return {
    id,
    livemode: bit(row.session.livemode),
    created: row.session.created,
    created_position: row.createdPosition,
    status: row.session.status,
    related_customer: row.session.relatedCustomer,
    related_customer_account: row.session.relatedCustomerAccount,
    client_reference_id: row.session.clientReferenceId,
    revision: row.revision,
    doc: JSON.stringify(listed),
    detail: JSON.stringify(detail),
  };
};

/**
 * Where a decoded session keeps its `detail` column: the JSON text until first used, then the
 * parsed object. A holder of its own, so that a caller freezing the session does not freeze it.
 */
const DETAIL = Symbol('session detail');

interface Split {
  readonly [DETAIL]: { held: string | SessionDetail };
}

const detailOf = (session: Split): SessionDetail => {
  const holder = session[DETAIL];
  if (typeof holder.held === 'string') holder.held = JSON.parse(holder.held) as SessionDetail;
  return holder.held;
};

/**
 * One getter per detail field, shared by every decoded session: getters made per object would
 * give every object a map of its own, and a list page far more garbage than the parse they save.
 */
const detailField = (key: keyof SessionDetail): PropertyDescriptor => ({
  get(this: Split) {
    return detailOf(this)[key];
  },
  enumerable: true,
});
const PROVIDED_IDENTITY = detailField('providedIdentity');
const VERIFIED_OUTPUTS = detailField('verifiedOutputs');
const REPORTS = detailField('reports');
const COLLECTED = detailField('collected');

/**
 * The detail fields are getters that parse `detail` once, on first use; they are own, enumerable
 * properties in the projection's key order (the JSON text sits under a symbol, not enumerable),
 * so the row still equals, and serialises as, the one the memory read model holds. Built by a
 * constructor whose prototype is `Object.prototype`: the objects are plain, and V8 gives them
 * every field in-object instead of growing a property array (less garbage per page).
 */
function SplitSession(this: Record<string | symbol, unknown>, listed: ListedSession, detailJson: string) {
  this.id = listed.id;
  this.livemode = listed.livemode;
  this.type = listed.type;
  this.created = listed.created;
  this.status = listed.status;
  this.options = listed.options;
  this.providedDetails = listed.providedDetails;
  Object.defineProperty(this, 'providedIdentity', PROVIDED_IDENTITY);
  this.metadata = listed.metadata;
  this.clientReferenceId = listed.clientReferenceId;
  this.relatedCustomer = listed.relatedCustomer;
  this.relatedCustomerAccount = listed.relatedCustomerAccount;
  this.relatedPerson = listed.relatedPerson;
  this.returnUrl = listed.returnUrl;
  this.lastError = listed.lastError;
  this.lastVerificationReport = listed.lastVerificationReport;
  Object.defineProperty(this, 'verifiedOutputs', VERIFIED_OUTPUTS);
  this.redaction = listed.redaction;
  this.secretGeneration = listed.secretGeneration;
  this.secretMintedAt = listed.secretMintedAt;
  this.attempt = listed.attempt;
  Object.defineProperty(this, 'reports', REPORTS);
  Object.defineProperty(this, 'collected', COLLECTED);
  Object.defineProperty(this, DETAIL, { value: { held: detailJson } });
}
SplitSession.prototype = Object.prototype;
const SplitSessionOf = SplitSession as unknown as new (listed: ListedSession, detailJson: string) => SessionData;

/** A `doc` that still holds the reports was written whole (by an earlier version), whatever `detail` holds. */
const decodeSessionData = (stored: StoredSession): SessionData => {
  const parsed = JSON.parse(stored.doc) as SessionData | ListedSession;
  return stored.detail === null || 'reports' in parsed ? (parsed as SessionData) : new SplitSessionOf(parsed, stored.detail);
};

export const decodeSession = (stored: StoredSession): SessionRow => ({
  session: decodeSessionData(stored),
  createdPosition: stored.created_position,
  revision: stored.revision,
});

export interface StoredReport {
  readonly doc: string;
  readonly session_id: string;
  readonly livemode: number | bigint;
  readonly client_reference_id: string | null;
  readonly created_position: bigint;
}

export const reportParams = (row: ReportRow) => ({
  id: row.report.id,
  session_id: row.sessionId,
  livemode: bit(row.livemode),
  created: row.report.created,
  created_position: row.createdPosition,
  type: row.report.type,
  client_reference_id: row.clientReferenceId,
  doc: JSON.stringify(row.report),
});

export const decodeReport = (stored: StoredReport): ReportRow => ({
  report: JSON.parse(stored.doc) as ReportRow['report'],
  sessionId: stored.session_id,
  livemode: isSet(stored.livemode),
  clientReferenceId: stored.client_reference_id,
  createdPosition: stored.created_position,
});

export interface StoredCustomer {
  readonly doc: string;
  readonly created_position: bigint;
}

export const customerParams = (id: string, row: CustomerRow) => ({
  id,
  livemode: bit(row.customer.livemode),
  created: row.customer.created,
  created_position: row.createdPosition,
  email: row.customer.email,
  doc: JSON.stringify(row.customer),
});

export const decodeCustomer = (stored: StoredCustomer): CustomerRow => ({
  customer: JSON.parse(stored.doc) as CustomerRow['customer'],
  createdPosition: stored.created_position,
});

export interface StoredAudit {
  readonly position: bigint;
  readonly revision: bigint;
  readonly occurred_at: bigint | number | null;
  readonly recorded_at: bigint | number | null;
  readonly doc: string;
}

type AuditDoc = Omit<AuditEntry, 'revision' | 'position' | 'occurred_at' | 'recorded_at'>;

/** An invalid Date has no time; SQLite stores its NaN as NULL, so NULL reads back as NaN (not as 0). */
const millis = (date: Date): number | null => (Number.isNaN(date.getTime()) ? null : date.getTime());
const dateOf = (ms: bigint | number | null): Date => new Date(ms === null ? Number.NaN : Number(ms));

export const auditParams = (sessionId: string, entry: AuditEntry) => {
  const { revision, position, occurred_at, recorded_at, ...doc } = entry;
  return {
    session_id: sessionId,
    position,
    revision,
    occurred_at: millis(occurred_at),
    recorded_at: millis(recorded_at),
    doc: JSON.stringify(doc),
  };
};

export const decodeAudit = (stored: StoredAudit): AuditEntry => {
  const doc = JSON.parse(stored.doc) as AuditDoc;
  return {
    event_id: doc.event_id,
    type: doc.type,
    revision: stored.revision,
    position: stored.position,
    occurred_at: dateOf(stored.occurred_at),
    recorded_at: dateOf(stored.recorded_at),
    actor: doc.actor,
    request_id: doc.request_id,
    idempotency_key: doc.idempotency_key,
    correlation_id: doc.correlation_id,
    causation_id: doc.causation_id,
    status_before: doc.status_before,
    status_after: doc.status_after,
    changed_fields: doc.changed_fields,
  };
};

export interface StoredIdempotency {
  readonly key: string;
  readonly livemode: number | bigint;
  readonly fingerprint: string;
  readonly stream: string;
  readonly revision: bigint;
}

export const idempotencyParams = (scope: string, record: IdempotencyRecord) => ({
  scope,
  key: record.key,
  livemode: bit(record.livemode),
  fingerprint: record.fingerprint,
  stream: record.stream,
  revision: record.revision,
});

export const decodeIdempotency = (stored: StoredIdempotency): IdempotencyRecord => ({
  key: stored.key,
  livemode: isSet(stored.livemode),
  fingerprint: stored.fingerprint,
  stream: stored.stream,
  revision: stored.revision,
});
