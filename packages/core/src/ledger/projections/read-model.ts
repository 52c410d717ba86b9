import type { Either } from 'fp-ts/lib/Either.js';
import type { CustomerData } from '../../domain/customer/customer.js';
import type { IdentityError } from '../../domain/errors.js';
import type { SessionStatus, SessionType } from '../../domain/shared/values.js';
import type { LedgerEvent } from '../envelope.js';
import type { GlobalPosition } from '../event-store/port.js';
import type { LedgerDomainEvent } from '../serializer.js';
import type { AuditEntry } from './audit-view.js';
import type { ReportRow } from './report-view.js';
import type { SessionRow } from './session-view.js';

/**
 * The read side, as one port: the memory adapter here, durable ones beside their stores. Every
 * adapter folds events with the same pure projections (session-view, report-view, audit-view),
 * applies a batch and its checkpoint together, and answers the same queries.
 */

export interface CreatedRange {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
}

export interface PageQuery {
  readonly livemode: boolean;
  readonly limit: number;
  readonly starting_after?: string;
  readonly ending_before?: string;
  readonly created?: CreatedRange;
}

export interface SessionQuery extends PageQuery {
  readonly status?: SessionStatus;
  readonly related_customer?: string;
  readonly related_customer_account?: string;
  readonly client_reference_id?: string;
}

export interface ReportQuery extends PageQuery {
  readonly type?: SessionType;
  readonly verification_session?: string;
  readonly client_reference_id?: string;
}

export interface CustomerQuery extends PageQuery {
  readonly email?: string;
}

/** Newest first; `has_more` looks further in the direction of travel. */
export interface Page<Row> {
  readonly data: ReadonlyArray<Row>;
  readonly has_more: boolean;
}

export interface CustomerRow {
  readonly customer: CustomerData;
  readonly createdPosition: bigint;
}

/** What one idempotency key did: enough to answer a retry with the same result. */
export interface IdempotencyRecord {
  readonly key: string;
  readonly livemode: boolean;
  readonly fingerprint: string;
  readonly stream: string;
  /** Revision of the last event the request appended. */
  readonly revision: bigint;
}

export interface ReadModel {
  /** Applies events in log order together with the new checkpoint: all or none. */
  readonly apply: (events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>) => Promise<void>;
  /** Position of the last event applied, or 'start'. */
  readonly checkpoint: () => Promise<GlobalPosition | 'start'>;
  /**
   * A position this process knows to be applied, without I/O (at most the checkpoint): a follower
   * of the log skips events up to it, for instance those a store applied within its own append.
   */
  readonly appliedThrough?: () => GlobalPosition | 'start';
  readonly session: (id: string, livemode: boolean) => Promise<SessionRow | undefined>;
  readonly listSessions: (query: SessionQuery) => Promise<Either<IdentityError, Page<SessionRow>>>;
  readonly report: (id: string, livemode: boolean) => Promise<ReportRow | undefined>;
  readonly listReports: (query: ReportQuery) => Promise<Either<IdentityError, Page<ReportRow>>>;
  readonly audit: (sessionId: string) => Promise<ReadonlyArray<AuditEntry>>;
  readonly customer: (id: string, livemode: boolean) => Promise<CustomerRow | undefined>;
  readonly listCustomers: (query: CustomerQuery) => Promise<Either<IdentityError, Page<CustomerRow>>>;
  readonly idempotencyRecord: (key: string, livemode: boolean) => Promise<IdempotencyRecord | undefined>;
}
