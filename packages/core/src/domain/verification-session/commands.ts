import type { ProvidedDocument, ProvidedIdNumber, ProvidedSelfie } from '../shared/end-user-inputs.js';
import type { Finding, Report } from '../shared/report.js';
import type {
  DocumentOptions,
  LastError,
  MetadataUpdate,
  ProvidedContact,
  ProvidedIdentity,
  SessionType,
  VerifiedOutputs,
} from '../shared/values.js';
import type { SessionEventData, TestOutcome } from './events.js';

/**
 * What callers ask of a session. Ids and the time come in the command, so `decide` stays pure.
 * `livemode` is the caller's mode: a session of the other mode does not exist for it.
 */

export type CreateSessionInput = Omit<SessionEventData<'VerificationSessionCreated'>, 'id' | 'livemode' | 'created'>;

export interface SessionChanges {
  readonly type?: SessionType;
  readonly documentOptions?: DocumentOptions | null;
  readonly providedDetails?: ProvidedContact;
  readonly providedIdentity?: ProvidedIdentity;
  readonly metadata?: MetadataUpdate;
}

export type VerificationOutcome = (
  | { readonly kind: 'verified'; readonly report: Report; readonly verifiedOutputs: VerifiedOutputs }
  | { readonly kind: 'unverified'; readonly report: Report; readonly lastError: LastError }
) & { readonly findings?: ReadonlyArray<Finding> };

interface Addressed {
  readonly sessionId: string;
  readonly now: number;
}
interface CallerAddressed extends Addressed {
  readonly livemode: boolean;
}

/**
 * `secretGeneration`: the generation of the client_secret the end user presented. A secret
 * replaced after a failed attempt is refused inside the decision, so the check and the write
 * cannot be separated by a concurrent outcome.
 */
interface EndUserAddressed extends Addressed {
  readonly secretGeneration: number;
}

export type VerificationSessionCommand =
  | ({ readonly type: 'CreateVerificationSession'; readonly input: CreateSessionInput } & CallerAddressed)
  | ({ readonly type: 'UpdateVerificationSession'; readonly changes: SessionChanges } & CallerAddressed)
  | ({
      readonly type: 'SubmitVerificationSession';
      readonly testOutcome?: TestOutcome;
      readonly simulateDelay?: boolean;
    } & CallerAddressed)
  /**
   * End-user commands: the ledger has already authorised them by the session's client_secret,
   * which also fixes the mode, so they carry no caller mode.
   */
  | ({ readonly type: 'ProvideDocument'; readonly document: ProvidedDocument } & EndUserAddressed)
  | ({ readonly type: 'ProvideSelfie'; readonly selfie: ProvidedSelfie } & EndUserAddressed)
  | ({ readonly type: 'ProvideIdNumber'; readonly idNumber: ProvidedIdNumber } & EndUserAddressed)
  | ({ readonly type: 'RecordConsent'; readonly granted: boolean } & EndUserAddressed)
  | ({ readonly type: 'SubmitCollectedInputs' } & EndUserAddressed)
  | ({ readonly type: 'RecordFileUpload'; readonly file: string; readonly purpose: 'identity_document' | 'selfie' } & EndUserAddressed)
  | ({ readonly type: 'RecordUserFailure'; readonly lastError: LastError } & CallerAddressed)
  | ({ readonly type: 'CancelVerificationSession' } & CallerAddressed)
  | ({ readonly type: 'RedactVerificationSession'; readonly reason?: string } & CallerAddressed)
  /** System commands: issued by the ledger's own processors, not by a caller of either mode. */
  | ({ readonly type: 'RecordVerificationOutcome'; readonly attempt: number; readonly outcome: VerificationOutcome } & Addressed)
  | ({ readonly type: 'CompleteRedaction' } & Addressed);
