import type { Address, DateParts, LastError, Metadata, SessionOptions, SessionStatus, SessionType, VerifiedOutputs } from '../domain/shared/values.js';
import type { DocumentCheck, IdNumberCheck, SelfieCheck } from '../domain/shared/report.js';

/** The Stripe-shaped objects the API returns. */

export interface VerificationSessionObject {
  readonly id: string;
  readonly object: 'identity.verification_session';
  readonly client_reference_id: string | null;
  readonly client_secret: string | null;
  readonly created: number;
  /** idledger extension: when the most recently minted `url` expires (Unix seconds). */
  readonly expires: number;
  readonly last_error: LastError | null;
  readonly last_verification_report: string | VerificationReportObject | null;
  readonly livemode: boolean;
  readonly metadata: Metadata;
  readonly options: SessionOptions;
  readonly provided_details: { readonly email?: string; readonly phone?: string } | null;
  readonly redaction: { readonly status: 'processing' | 'redacted' } | null;
  readonly related_customer: string | null;
  readonly related_customer_account: string | null;
  readonly related_person?: { readonly account: string; readonly person: string };
  readonly status: SessionStatus;
  readonly type: SessionType;
  readonly url: string | null;
  readonly verified_outputs?: Partial<VerifiedOutputs> | null;
}

export interface VerificationReportObject {
  readonly id: string;
  readonly object: 'identity.verification_report';
  readonly client_reference_id: string | null;
  readonly created: number;
  readonly livemode: boolean;
  readonly options: SessionOptions;
  readonly type: SessionType;
  readonly verification_session: string | null;
  readonly document?: Partial<DocumentCheck>;
  readonly id_number?: Partial<IdNumberCheck>;
  readonly selfie?: SelfieCheck;
}

export interface CustomerObject {
  readonly id: string;
  readonly object: 'customer';
  readonly created: number;
  readonly email: string | null;
  readonly livemode: boolean;
  readonly metadata: Metadata;
  readonly name: string | null;
}

export interface ListObject<T> {
  readonly object: 'list';
  readonly data: ReadonlyArray<T>;
  readonly has_more: boolean;
  readonly url: string;
}

export type { Address, DateParts };
