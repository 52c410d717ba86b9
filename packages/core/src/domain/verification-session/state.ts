import type { CollectedInputs } from '../shared/end-user-inputs.js';
import type { Report } from '../shared/report.js';
import type {
  LastError,
  Metadata,
  ProvidedContact,
  ProvidedIdentity,
  RelatedPerson,
  SessionOptions,
  SessionStatus,
  SessionType,
  VerifiedOutputs,
} from '../shared/values.js';

export interface SessionData {
  readonly id: string;
  readonly livemode: boolean;
  readonly type: SessionType;
  readonly created: number;
  readonly status: SessionStatus;
  readonly options: SessionOptions;
  readonly providedDetails: ProvidedContact | null;
  /** Write-only personal data (idledger's `provided_details` extension). */
  readonly providedIdentity: ProvidedIdentity | null;
  readonly metadata: Metadata;
  readonly clientReferenceId: string | null;
  readonly relatedCustomer: string | null;
  readonly relatedCustomerAccount: string | null;
  readonly relatedPerson: RelatedPerson | null;
  readonly returnUrl: string | null;
  readonly lastError: LastError | null;
  readonly lastVerificationReport: string | null;
  readonly verifiedOutputs: VerifiedOutputs | null;
  readonly redaction: { readonly status: 'processing' | 'redacted' } | null;
  /**
   * Which url / client_secret is current. A new one is minted after each failed attempt; the
   * token itself is derived from it by the ledger and never stored.
   */
  readonly secretGeneration: number;
  /** Unix seconds at which the current url was minted (`expires` = this + 48 h). */
  readonly secretMintedAt: number;
  /** Submissions so far; an outcome names the attempt it belongs to. */
  readonly attempt: number;
  readonly reports: ReadonlyArray<Report>;
  /** What the end user has handed over through the verification flow for the next submission. */
  readonly collected: CollectedInputs;
}

export type VerificationSessionState =
  | { readonly _tag: 'Absent' }
  | { readonly _tag: 'Existing'; readonly session: SessionData };

export const initialState: VerificationSessionState = { _tag: 'Absent' };

export const URL_LIFETIME_SECONDS = 48 * 60 * 60;
