import { checksOf, LAST_ERROR_REASONS } from '../shared/error-reasons.js';
import { inferIdNumberType } from '../shared/id-number.js';
import type { DocumentCheck, IdNumberCheck, Report, SelfieCheck } from '../shared/report.js';
import type { LastErrorCode, VerifiedOutputs } from '../shared/values.js';
import type { VerificationOutcome } from '../verification-session/commands.js';
import type { SessionData } from '../verification-session/state.js';
import { personOf } from './agreement.js';
import { assessDocument, documentHolder, DOCUMENT_PRIORITY, type DocumentPolicy } from './assess-document.js';
import { assessIdNumber, ID_NUMBER_PRIORITY, type IdNumberClaim } from './assess-id-number.js';
import { assessSelfie, SELFIE_PRIORITY } from './assess-selfie.js';
import { utcDateOf, type CalendarDate } from './dates.js';
import { firstFailure, providerStep, type Step } from './finding.js';
import type { DocumentInspection, FaceMatchOutcome, ProviderAnswer, RegistryAnswer } from './provider-results.js';

/**
 * One submission attempt assessed: the collected inputs and the providers' answers become the
 * report (a section per check that ran, each with its status and error), the session's
 * `last_error` (document, then selfie, then ID number) and, when every check passed, the
 * verified outputs. Pure: the reference date is derived from `now`, nothing is fetched.
 */

export interface AttemptAnswers {
  readonly document?: ProviderAnswer<DocumentInspection>;
  readonly selfie?: ProviderAnswer<FaceMatchOutcome>;
  /** Absent when the registry was not asked (the number was invalid, or no reference person). */
  readonly registry?: RegistryAnswer;
}

export interface AttemptInput {
  readonly session: SessionData;
  readonly answers: AttemptAnswers;
  readonly policy: DocumentPolicy;
  readonly reportId: string;
  /** Unix seconds; its UTC date is the reference date of every check. */
  readonly now: number;
}

/** Session-level codes have no place in a report section's enum: the section says "invalid" with their reason. */
const SESSION_LEVEL: ReadonlyArray<LastErrorCode> = ['country_not_supported', 'under_supported_age'];

const sectionVerdict = (code: LastErrorCode | null) =>
  code === null
    ? { status: 'verified' as const, error: null }
    : {
        status: 'unverified' as const,
        error: { code: SESSION_LEVEL.includes(code) ? 'document_unverified_other' : code, reason: LAST_ERROR_REASONS[code] },
      };

/** The ID number an attempt checks, and whom it is checked against. */
export const idNumberClaimOf = (session: SessionData, today: CalendarDate): IdNumberClaim => {
  const provided = session.providedIdentity ?? {};
  const collected = session.collected.idNumber;
  const number = collected?.id_number ?? provided.id_number ?? '';
  const type = collected?.id_number_type ?? provided.id_number_type ?? inferIdNumberType(number) ?? null;
  const reference =
    session.type === 'document'
      ? session.collected.document === null
        ? {}
        : documentHolder(session.collected.document, today)
      : personOf(provided);
  return { type, number, reference };
};

const missingInput = (check: string): Step => providerStep(`inputs.${check}@1`, ['missing'], check === 'selfie' ? 'selfie_unverified_other' : 'document_unverified_other');

export const assessAttempt = ({ session, answers, policy, reportId, now }: AttemptInput): VerificationOutcome => {
  const today = utcDateOf(now);
  const checks = checksOf(session);
  const steps: Step[] = [];
  const sections: { document?: DocumentCheck; selfie?: SelfieCheck; id_number?: IdNumberCheck } = {};
  const failures: LastErrorCode[] = [];
  const document = session.collected.document;

  const record = (own: ReadonlyArray<Step>, priority: ReadonlyArray<LastErrorCode>) => {
    steps.push(...own);
    const code = firstFailure(own, priority);
    if (code !== null) failures.push(code);
    return sectionVerdict(code);
  };

  if (checks.includes('document')) {
    if (document === null) {
      sections.document = { ...record([missingInput('document')], DOCUMENT_PRIORITY), ...EMPTY_DOCUMENT };
    } else {
      const assessed = assessDocument(document, answers.document ?? 'file_missing', {
        options: session.options.document,
        provided: session.providedIdentity,
        policy,
        today,
      });
      sections.document = { ...record(assessed.steps, DOCUMENT_PRIORITY), ...assessed.section };
    }
  }
  if (checks.includes('selfie')) {
    const selfie = session.collected.selfie;
    if (selfie === null) sections.selfie = { ...record([missingInput('selfie')], SELFIE_PRIORITY), document: null, selfie: null };
    else {
      const assessed = assessSelfie(selfie, document?.front ?? null, answers.selfie ?? 'file_missing', session.options.document?.require_live_capture === true);
      sections.selfie = { ...record(assessed.steps, SELFIE_PRIORITY), ...assessed.section };
    }
  }
  const claim = checks.includes('id_number') ? idNumberClaimOf(session, today) : undefined;
  if (claim !== undefined) {
    const assessed = assessIdNumber(claim, answers.registry);
    sections.id_number = { ...record(assessed.steps, ID_NUMBER_PRIORITY), ...assessed.section };
  }

  const report: Report = { id: reportId, created: now, type: session.type, options: session.options, ...sections };
  const findings = steps.map((s) => s.finding);
  const lastErrorCode = failures[0];
  if (lastErrorCode !== undefined) return { kind: 'unverified', report, lastError: { code: lastErrorCode, reason: LAST_ERROR_REASONS[lastErrorCode] }, findings };
  return { kind: 'verified', report, verifiedOutputs: verifiedOutputsOf(sections, claim), findings };
};

const EMPTY_DOCUMENT: Omit<DocumentCheck, 'status' | 'error'> = {
  address: null,
  dob: null,
  expiration_date: null,
  issued_date: null,
  files: null,
  first_name: null,
  last_name: null,
  issuing_country: null,
  number: null,
  sex: null,
  type: null,
  unparsed_place_of_birth: null,
  unparsed_sex: null,
};

/** Outputs come from verified sections only: the document's holder, else the person the ID number was verified for. */
const verifiedOutputsOf = (
  sections: { readonly document?: DocumentCheck; readonly id_number?: IdNumberCheck },
  claim: IdNumberClaim | undefined,
): VerifiedOutputs => {
  const { document, id_number: idNumber } = sections;
  const person = document ?? idNumber;
  return {
    address: document?.address ?? null,
    dob: person?.dob ?? null,
    email: null,
    first_name: person?.first_name ?? null,
    last_name: person?.last_name ?? null,
    id_number: idNumber !== undefined && claim !== undefined ? claim.number : null,
    id_number_type: idNumber?.id_number_type ?? null,
    phone: null,
    sex: document?.sex === 'female' || document?.sex === 'male' || document?.sex === 'unknown' ? document.sex : null,
    unparsed_place_of_birth: document?.unparsed_place_of_birth ?? null,
    unparsed_sex: null,
  };
};
