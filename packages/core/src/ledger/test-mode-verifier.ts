import * as TE from 'fp-ts/lib/TaskEither.js';
import { checkOfErrorCode, checksOf, LAST_ERROR_REASONS } from '../domain/shared/error-reasons.js';
import { inferIdNumberType } from '../domain/shared/id-number.js';
import type { DocumentCheck, IdNumberCheck, Report, SelfieCheck } from '../domain/shared/report.js';
import type { Address, DateParts, IdNumberType, LastError, VerifiedOutputs } from '../domain/shared/values.js';
import type { VerificationOutcome } from '../domain/verification-session/commands.js';
import type { SessionData } from '../domain/verification-session/state.js';
import type { VerificationRequest, Verifier } from './verifier.js';

/**
 * Test mode's verifier: no check really runs; the outcome is the one chosen with the submission
 * (verified when none was chosen), and the report and outputs are deterministic. Stripe's own
 * examples' identity (Jenny Rosen) stands in for what a document would have said.
 */

export const TEST_DOCUMENT = {
  first_name: 'Jenny',
  last_name: 'Rosen',
  dob: { day: 15, month: 6, year: 1985 } as DateParts,
  address: { city: 'San Francisco', country: 'US', line1: '1234 Main St.', line2: null, postal_code: '94111', state: 'CA' } as Address,
  number: 'D1234567',
  issuing_country: 'US',
  issued_date: { day: 1, month: 1, year: 2020 } as DateParts,
  expiration_date: { day: 1, month: 1, year: 2035 } as DateParts,
};
export const TEST_ID_NUMBER = { id_number: '123-45-6789', id_number_type: 'us_ssn' as IdNumberType };

const digitsOnly = (value: string) => value.replace(/\D/g, '');

/** Stripe returns only the last four digits of a US SSN in the report. */
const reportedIdNumber = (value: string, type: IdNumberType | null) => (type === 'us_ssn' ? digitsOnly(value).slice(-4) : value);

export const testModeOutcome = (request: VerificationRequest): VerificationOutcome => {
  const { session } = request;
  const lastError: LastError | null =
    request.testOutcome?.kind === 'unverified' ? request.testOutcome.last_error : null;
  const failing = lastError === null ? null : checkOfErrorCode(lastError.code);
  const identity = subjectOf(session);
  const checkError = (check: string) => (failing === check && lastError !== null ? lastError : null);
  const status = (check: string) => (failing === check ? ('unverified' as const) : ('verified' as const));

  const report: Report = {
    id: request.reportId,
    created: request.now,
    type: session.type,
    options: session.options,
  };
  const sections: { document?: DocumentCheck; selfie?: SelfieCheck; id_number?: IdNumberCheck } = {};
  for (const check of checksOf(session)) {
    if (check === 'document') {
      sections.document = {
        status: status('document'),
        error: checkError('document'),
        address: TEST_DOCUMENT.address,
        dob: identity.dob,
        expiration_date: lastError?.code === 'document_expired' ? { day: 1, month: 12, year: 2020 } : TEST_DOCUMENT.expiration_date,
        issued_date: TEST_DOCUMENT.issued_date,
        files: null,
        first_name: identity.first_name,
        last_name: identity.last_name,
        issuing_country: TEST_DOCUMENT.issuing_country,
        number: TEST_DOCUMENT.number,
        sex: null,
        type: session.options.document?.allowed_types?.[0] ?? 'driving_license',
        unparsed_place_of_birth: null,
        unparsed_sex: null,
      };
    } else if (check === 'selfie') {
      sections.selfie = { status: status('selfie'), error: checkError('selfie'), document: null, selfie: null };
    } else {
      sections.id_number = {
        status: status('id_number'),
        error: checkError('id_number'),
        dob: identity.dob,
        first_name: identity.first_name,
        last_name: identity.last_name,
        id_number: reportedIdNumber(identity.id_number, identity.id_number_type),
        id_number_type: identity.id_number_type,
      };
    }
  }
  const fullReport: Report = { ...report, ...sections };
  if (lastError !== null) return { kind: 'unverified', report: fullReport, lastError };
  return { kind: 'verified', report: fullReport, verifiedOutputs: verifiedOutputsOf(session, identity) };
};

interface Subject {
  readonly first_name: string;
  readonly last_name: string;
  readonly dob: DateParts;
  readonly id_number: string;
  readonly id_number_type: IdNumberType | null;
}

/**
 * Who the session verifies. In test mode the document "reads" what the provided details say, so
 * the report's sections and the outputs always agree; without provided details it is the test
 * document.
 */
const subjectOf = (session: SessionData): Subject => {
  const provided = session.providedIdentity ?? {};
  const idNumber = provided.id_number ?? TEST_ID_NUMBER.id_number;
  return {
    first_name: provided.first_name ?? TEST_DOCUMENT.first_name,
    last_name: provided.last_name ?? TEST_DOCUMENT.last_name,
    dob: provided.dob ?? TEST_DOCUMENT.dob,
    id_number: idNumber,
    id_number_type: provided.id_number_type ?? inferIdNumberType(idNumber) ?? null,
  };
};

/** Outputs hold only what a passed check established. */
const verifiedOutputsOf = (session: SessionData, subject: Subject): VerifiedOutputs => {
  const checks = checksOf(session);
  const fromDocument = checks.includes('document');
  const fromIdNumber = checks.includes('id_number');
  return {
    address: fromDocument ? TEST_DOCUMENT.address : null,
    dob: subject.dob,
    email: null,
    first_name: subject.first_name,
    last_name: subject.last_name,
    id_number: fromIdNumber ? subject.id_number : null,
    id_number_type: fromIdNumber ? subject.id_number_type : null,
    phone: null,
    sex: null,
    unparsed_place_of_birth: null,
    unparsed_sex: null,
  };
};

export const createTestModeVerifier = (): Verifier => ({
  verify: (request) => TE.right(testModeOutcome(request)),
});

/** The failure `unverify` records when no code is chosen: the first check this session runs, failed for "another reason". */
export const defaultTestFailureCode = (session: Pick<SessionData, 'type' | 'options'>): LastError['code'] =>
  checksOf(session)[0] === 'document' ? 'document_unverified_other' : 'id_number_unverified_other';

/** A test outcome may only fail a check that this session runs. */
export const testFailureApplies = (session: Pick<SessionData, 'type' | 'options'>, lastError: LastError): boolean => {
  const check = checkOfErrorCode(lastError.code);
  return check === 'user' || (checksOf(session) as ReadonlyArray<string>).includes(check);
};

export const testLastError = (code: LastError['code']): LastError => ({ code, reason: LAST_ERROR_REASONS[code] });
