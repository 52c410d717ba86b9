import type { DocumentCheck, IdNumberCheck, Report, SelfieCheck } from '../../shared/report.js';
import type { Address, LastError, LastErrorCode, VerifiedOutputs } from '../../shared/values.js';
import type { CreateSessionInput, SessionChanges, VerificationOutcome, VerificationSessionCommand } from '../commands.js';
import { sessionEvent, type SessionEventData, type TestOutcome, type VerificationSessionEvent } from '../events.js';

/**
 * Test-support builders for VerificationSession specs: events, values and commands with plain
 * defaults, each overridable. Not a test file (vitest only collects `*.test.ts`).
 */

export const SESSION_ID = 'vs_1';
export const CREATED_AT = 1_700_000_000;
/** The time every command is issued at unless told otherwise. */
export const NOW = CREATED_AT + 3_600;

// ---------------------------------------------------------------------------------------------
// Values (carrying personal data, so redaction has something to remove)

export const address = (overrides: Partial<Address> = {}): Address => ({
  city: 'San Francisco',
  country: 'US',
  line1: '1234 Main St.',
  line2: null,
  postal_code: '94111',
  state: 'CA',
  ...overrides,
});

export const verifiedOutputs = (overrides: Partial<VerifiedOutputs> = {}): VerifiedOutputs => ({
  address: address(),
  dob: { day: 15, month: 6, year: 1985 },
  email: 'jenny@example.com',
  first_name: 'Jenny',
  last_name: 'Rosen',
  id_number: '123-45-6789',
  id_number_type: 'us_ssn',
  phone: '+14155550100',
  sex: 'female',
  unparsed_place_of_birth: 'Springfield',
  unparsed_sex: 'F',
  ...overrides,
});

export const documentCheck = (overrides: Partial<DocumentCheck> = {}): DocumentCheck => ({
  status: 'verified',
  error: null,
  address: address(),
  dob: { day: 15, month: 6, year: 1985 },
  expiration_date: { day: 1, month: 12, year: 2030 },
  issued_date: { day: 1, month: 12, year: 2020 },
  files: ['file_front', 'file_back'],
  first_name: 'Jenny',
  last_name: 'Rosen',
  issuing_country: 'US',
  number: 'D1234567',
  sex: 'female',
  type: 'driving_license',
  unparsed_place_of_birth: 'Springfield',
  unparsed_sex: 'F',
  ...overrides,
});

export const idNumberCheck = (overrides: Partial<IdNumberCheck> = {}): IdNumberCheck => ({
  status: 'verified',
  error: null,
  dob: { day: 15, month: 6, year: 1985 },
  first_name: 'Jenny',
  last_name: 'Rosen',
  id_number: '6789',
  id_number_type: 'us_ssn',
  ...overrides,
});

export const selfieCheck = (overrides: Partial<SelfieCheck> = {}): SelfieCheck => ({
  status: 'verified',
  error: null,
  document: 'file_front',
  selfie: 'file_selfie',
  ...overrides,
});

export const documentReport = (overrides: Partial<Report> = {}): Report => ({
  id: 'vr_1',
  created: NOW,
  type: 'document',
  options: { document: { require_matching_selfie: true } },
  document: documentCheck(),
  selfie: selfieCheck(),
  ...overrides,
});

export const idNumberReport = (overrides: Partial<Report> = {}): Report => ({
  id: 'vr_id_1',
  created: NOW,
  type: 'id_number',
  options: { id_number: {} },
  id_number: idNumberCheck(),
  ...overrides,
});

export const lastError = (code: LastErrorCode = 'document_expired', reason = 'The document is expired.'): LastError => ({ code, reason });

// ---------------------------------------------------------------------------------------------
// Events

type Data<T extends VerificationSessionEvent['type']> = SessionEventData<T>;

export const created = (overrides: Partial<Data<'VerificationSessionCreated'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionCreated', {
    id: SESSION_ID,
    livemode: false,
    type: 'document',
    created: CREATED_AT,
    options: {},
    provided_details: null,
    provided_identity: null,
    metadata: {},
    client_reference_id: null,
    related_customer: null,
    related_customer_account: null,
    related_person: null,
    return_url: null,
    ...overrides,
  });

/** A session created with personal data everywhere the create call can carry it. */
export const createdWithPersonalData = (overrides: Partial<Data<'VerificationSessionCreated'>> = {}): VerificationSessionEvent =>
  created({
    options: { document: { require_matching_selfie: true, allowed_types: ['passport'] } },
    provided_details: { email: 'jenny@example.com', phone: '+14155550100' },
    provided_identity: { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 }, id_number: '123-45-6789', id_number_type: 'us_ssn' },
    metadata: { user_id: 'user_42', note: 'Jenny Rosen' },
    client_reference_id: 'ref_42',
    related_customer: 'cus_1',
    ...overrides,
  });

export const updated = (data: Data<'VerificationSessionUpdated'>): VerificationSessionEvent => sessionEvent('VerificationSessionUpdated', data);

export const submitted = (attempt = 1, overrides: Partial<Data<'VerificationSessionSubmitted'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionSubmitted', { attempt, submitted_at: CREATED_AT + attempt * 10, ...overrides });

export const verified = (attempt = 1, overrides: Partial<Data<'VerificationSessionVerified'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionVerified', {
    attempt,
    report: documentReport({ id: `vr_${attempt}` }),
    verified_outputs: verifiedOutputs(),
    ...overrides,
  });

export const checksFailed = (attempt = 1, overrides: Partial<Data<'VerificationSessionChecksFailed'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionChecksFailed', {
    attempt,
    report: documentReport({
      id: `vr_${attempt}`,
      document: documentCheck({ status: 'unverified', error: { code: 'document_expired', reason: 'The document is expired.' } }),
    }),
    last_error: lastError(),
    failed_at: CREATED_AT + attempt * 10 + 5,
    ...overrides,
  });

export const userFailureRecorded = (overrides: Partial<Data<'VerificationSessionUserFailureRecorded'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionUserFailureRecorded', {
    last_error: lastError('consent_declined', 'The user declined to be verified.'),
    failed_at: CREATED_AT + 100,
    ...overrides,
  });

export const canceled = (canceled_at = CREATED_AT + 200): VerificationSessionEvent => sessionEvent('VerificationSessionCanceled', { canceled_at });

export const redactionRequested = (overrides: Partial<Data<'VerificationSessionRedactionRequested'>> = {}): VerificationSessionEvent =>
  sessionEvent('VerificationSessionRedactionRequested', { requested_at: CREATED_AT + 300, ...overrides });

export const redacted = (redacted_at = CREATED_AT + 400): VerificationSessionEvent => sessionEvent('VerificationSessionRedacted', { redacted_at });

// ---------------------------------------------------------------------------------------------
// Histories: the event streams that put a session into each status

export const history = {
  requiresInput: [created()],
  failedOnce: [created(), submitted(1), checksFailed(1)],
  processing: [created(), submitted(1)],
  verified: [created(), submitted(1), verified(1)],
  canceled: [created(), canceled()],
  verifiedRedacting: [created(), submitted(1), verified(1), redactionRequested()],
  verifiedRedacted: [created(), submitted(1), verified(1), redactionRequested(), redacted()],
  canceledRedacting: [created(), canceled(), redactionRequested()],
  canceledRedacted: [created(), canceled(), redactionRequested(), redacted()],
} satisfies Record<string, ReadonlyArray<VerificationSessionEvent>>;

// ---------------------------------------------------------------------------------------------
// Commands

interface Target {
  readonly sessionId?: string;
  readonly now?: number;
}
interface CallerTarget extends Target {
  readonly livemode?: boolean;
}

const caller = (at: CallerTarget) => ({ sessionId: at.sessionId ?? SESSION_ID, now: at.now ?? NOW, livemode: at.livemode ?? false });
const system = (at: Target) => ({ sessionId: at.sessionId ?? SESSION_ID, now: at.now ?? NOW });

export const createInput = (overrides: Partial<CreateSessionInput> = {}): CreateSessionInput => ({
  type: 'document',
  options: {},
  provided_details: null,
  provided_identity: null,
  metadata: {},
  client_reference_id: null,
  related_customer: null,
  related_customer_account: null,
  related_person: null,
  return_url: null,
  ...overrides,
});

export const createSession = (input: Partial<CreateSessionInput> = {}, at: CallerTarget = {}): VerificationSessionCommand => ({
  type: 'CreateVerificationSession',
  input: createInput(input),
  ...caller(at),
});

export const updateSession = (changes: SessionChanges, at: CallerTarget = {}): VerificationSessionCommand => ({
  type: 'UpdateVerificationSession',
  changes,
  ...caller(at),
});

export const submitSession = (
  options: { readonly testOutcome?: TestOutcome; readonly simulateDelay?: boolean } = {},
  at: CallerTarget = {},
): VerificationSessionCommand => ({ type: 'SubmitVerificationSession', ...options, ...caller(at) });

export const verifiedOutcome = (report: Report = documentReport(), outputs: VerifiedOutputs = verifiedOutputs()): VerificationOutcome => ({
  kind: 'verified',
  report,
  verifiedOutputs: outputs,
});

export const unverifiedOutcome = (report: Report = documentReport({ id: 'vr_failed' }), error: LastError = lastError()): VerificationOutcome => ({
  kind: 'unverified',
  report,
  lastError: error,
});

export const recordOutcome = (attempt: number, outcome: VerificationOutcome, at: Target = {}): VerificationSessionCommand => ({
  type: 'RecordVerificationOutcome',
  attempt,
  outcome,
  ...system(at),
});

export const recordUserFailure = (error: LastError = lastError('abandoned', 'The verification was abandoned before it was submitted.'), at: CallerTarget = {}): VerificationSessionCommand => ({
  type: 'RecordUserFailure',
  lastError: error,
  ...caller(at),
});

export const cancelSession = (at: CallerTarget = {}): VerificationSessionCommand => ({ type: 'CancelVerificationSession', ...caller(at) });

export const redactSession = (reason?: string, at: CallerTarget = {}): VerificationSessionCommand => ({
  type: 'RedactVerificationSession',
  ...(reason === undefined ? {} : { reason }),
  ...caller(at),
});

export const completeRedaction = (at: Target = {}): VerificationSessionCommand => ({ type: 'CompleteRedaction', ...system(at) });
