import * as E from 'fp-ts/lib/Either.js';
import type { ProvidedDocument } from '../shared/end-user-inputs.js';
import type { DocumentCheck } from '../shared/report.js';
import type { DocumentOptions, ProvidedIdentity } from '../shared/values.js';
import { checkIdentityAgreement, checkMrzAgreement, checkPersonAgreement, personOf, type Person } from './agreement.js';
import type { CalendarDate } from './dates.js';
import {
  checkDocumentExpiry,
  checkDocumentType,
  checkIssuingCountry,
  checkLiveCapture,
  checkMinimumAge,
  DOCUMENT_COUNTRY_CHECK,
  DOCUMENT_EXPIRY_CHECK,
  DOCUMENT_TYPE_CHECK,
  LIVE_CAPTURE_CHECK,
  MINIMUM_AGE_CHECK,
  type CountryPolicy,
} from './document.js';
import { providerStep, step, type Step } from './finding.js';
import { mrzBirthDate, mrzExpiryDate, MRZ_CHECKS, parseMrz, type Mrz } from './mrz.js';
import type { DocumentInspection, ProviderAnswer } from './provider-results.js';

/** The document check of one attempt: every rule about the document, in a fixed order. */

export interface DocumentPolicy extends CountryPolicy {
  readonly minimumAge: number;
}

export const DOCUMENT_AUTHENTICITY_CHECK = 'provider.document_authenticity@1';
export const DOCUMENT_OCR_AGREEMENT_CHECK = 'document.ocr_agreement@1';

/** Which code a document finding becomes when several fail: the most actionable first. */
export const DOCUMENT_PRIORITY = [
  'document_type_not_supported',
  'country_not_supported',
  'document_expired',
  'document_unverified_other',
  'under_supported_age',
] as const;

export interface DocumentAssessment {
  readonly steps: ReadonlyArray<Step>;
  /** The date of birth and expiry the document establishes (printed, else from its MRZ). */
  readonly dob: CalendarDate | undefined;
  readonly section: Omit<DocumentCheck, 'status' | 'error'>;
}

const mrzSteps = (lines: ReadonlyArray<string>, document: ProvidedDocument, today: CalendarDate): { steps: Step[]; mrz: Mrz | undefined } => {
  const parsed = parseMrz(lines);
  if (E.isLeft(parsed)) return { steps: [step(parsed.left.check, parsed, 'document_unverified_other')], mrz: undefined };
  const { fields } = document;
  const agreement = checkMrzAgreement(
    parsed.right,
    {
      type: document.type,
      issuing_country: document.issuing_country,
      ...(fields.number === undefined ? {} : { number: fields.number }),
      ...(fields.first_name === undefined ? {} : { first_name: fields.first_name }),
      ...(fields.last_name === undefined ? {} : { last_name: fields.last_name }),
      ...(fields.dob === undefined ? {} : { dob: fields.dob }),
      ...(fields.expiration_date === undefined ? {} : { expiration_date: fields.expiration_date }),
    },
    today,
  );
  return {
    steps: [step(MRZ_CHECKS[parsed.right.format], parsed, 'document_unverified_other'), step('mrz.agreement@1', agreement, 'document_unverified_other')],
    mrz: parsed.right,
  };
};

const inspectionStep = (inspection: ProviderAnswer<DocumentInspection>, document: ProvidedDocument): Step[] => {
  if (inspection === 'file_missing') return [providerStep(DOCUMENT_AUTHENTICITY_CHECK, ['file_missing'], 'document_unverified_other')];
  const authenticity = providerStep(DOCUMENT_AUTHENTICITY_CHECK, inspection.authentic ? [] : ['not_authentic'], 'document_unverified_other');
  const read = inspection.extracted;
  if (read === undefined) return [authenticity];
  const { fields } = document;
  const people = checkPersonAgreement(DOCUMENT_OCR_AGREEMENT_CHECK, read, fields);
  const numberAgrees = read.number === undefined || fields.number === undefined || read.number === fields.number;
  const rules = [...(E.isLeft(people) ? people.left.failedRules : []), ...(numberAgrees ? [] : ['number_mismatch'])];
  return [authenticity, providerStep(DOCUMENT_OCR_AGREEMENT_CHECK, rules, 'document_unverified_other')];
};

/** The holder as the document names them: printed fields, the date of birth from the MRZ when not printed. */
export const documentHolder = (document: ProvidedDocument, today: CalendarDate): Person => {
  const parsed = document.fields.mrz === undefined ? undefined : parseMrz(document.fields.mrz);
  const mrzDob = parsed !== undefined && E.isRight(parsed) ? mrzBirthDate(parsed.right.birthDate, today) : undefined;
  return personOf({ first_name: document.fields.first_name, last_name: document.fields.last_name, dob: document.fields.dob ?? mrzDob });
};

export const assessDocument = (
  document: ProvidedDocument,
  inspection: ProviderAnswer<DocumentInspection>,
  context: {
    readonly options: DocumentOptions | undefined;
    readonly provided: ProvidedIdentity | null;
    readonly policy: DocumentPolicy;
    readonly today: CalendarDate;
  },
): DocumentAssessment => {
  const { fields } = document;
  const { options, policy, today } = context;
  const mrz = fields.mrz === undefined ? { steps: [], mrz: undefined } : mrzSteps(fields.mrz, document, today);
  const dob = fields.dob ?? (mrz.mrz === undefined ? undefined : mrzBirthDate(mrz.mrz.birthDate, today));
  const expiration = fields.expiration_date ?? (mrz.mrz === undefined ? undefined : mrzExpiryDate(mrz.mrz.expiryDate));
  // A real country outside the supported list is the session-level code; an unknown code is an invalid document.
  const country = checkIssuingCountry(document.issuing_country, policy);
  const steps: Step[] = [
    step(DOCUMENT_TYPE_CHECK, checkDocumentType(document.type, options?.allowed_types), 'document_type_not_supported'),
    step(DOCUMENT_COUNTRY_CHECK, country, E.isLeft(country) && country.left.failedRules.includes('country_not_supported') ? 'country_not_supported' : 'document_unverified_other'),
    step(LIVE_CAPTURE_CHECK, checkLiveCapture(options?.require_live_capture === true, [document.live_capture]), 'document_unverified_other'),
    ...inspectionStep(inspection, document),
    ...mrz.steps,
    step(DOCUMENT_EXPIRY_CHECK, checkDocumentExpiry(expiration, today), 'document_expired'),
    step(
      'identity.agreement@1',
      checkIdentityAgreement(personOf({ first_name: fields.first_name, last_name: fields.last_name, dob }), personOf(context.provided ?? {})),
      'document_unverified_other',
    ),
    ...(dob === undefined ? [] : [step(MINIMUM_AGE_CHECK, checkMinimumAge(dob, today, policy.minimumAge), 'under_supported_age')]),
  ];
  return {
    steps,
    dob,
    section: {
      address: fields.address ?? null,
      dob: dob ?? null,
      expiration_date: expiration ?? null,
      issued_date: fields.issued_date ?? null,
      files: document.back === null ? [document.front] : [document.front, document.back],
      first_name: fields.first_name ?? null,
      last_name: fields.last_name ?? null,
      issuing_country: document.issuing_country,
      number: fields.number ?? null,
      sex: fields.sex ?? null,
      type: document.type,
      unparsed_place_of_birth: fields.unparsed_place_of_birth ?? null,
      unparsed_sex: null,
    },
  };
};
