import type { DocumentType } from '../shared/values.js';
import { verdict, type CheckOutcome } from './check-result.js';
import { sameDate, type CalendarDate } from './dates.js';
import { countryOfMrzState } from './document.js';
import { mrzBirthDate, mrzExpiryDate, type Mrz } from './mrz.js';

/**
 * Agreement between sources of the same facts: the document's fields and its MRZ; the document
 * and the provided details; an ID registry's record and the reference person.
 */

export const MRZ_AGREEMENT_CHECK = 'mrz.agreement@1';
export const IDENTITY_AGREEMENT_CHECK = 'identity.agreement@1';
export const ID_NUMBER_AGREEMENT_CHECK = 'id_number.agreement@1';
export const REFERENCE_CHECK = 'id_number.reference@1';

/** Names compared as MRZs write them: upper case, no accents, every non-letter a single space. */
export const normalizeName = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}]+/gu, ' ')
    .trim();

const sameName = (a: string, b: string) => normalizeName(a) === normalizeName(b);

/** The MRZ name field is cut at its width, so a printed name agrees when it starts with the MRZ's. */
const mrzNameAgrees = (mrzName: string, printed: string) => {
  const fromMrz = normalizeName(mrzName);
  const full = normalizeName(printed);
  return fromMrz === full || (fromMrz.length > 0 && full.startsWith(fromMrz));
};

export interface PrintedDocument {
  readonly type: DocumentType;
  readonly issuing_country: string;
  readonly number?: string;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly dob?: CalendarDate;
  readonly expiration_date?: CalendarDate;
}

/** The MRZ document code names the kind: `P` a passport; `I`, `A`, `C` an identity card. */
export const documentTypeOfMrz = (mrz: Mrz): DocumentType | undefined => {
  const first = mrz.documentCode[0];
  if (first === 'P') return 'passport';
  if (first === 'I' || first === 'A' || first === 'C') return 'id_card';
  return undefined;
};

/** Every printed field that is present must agree with the MRZ. */
export const checkMrzAgreement = (mrz: Mrz, printed: PrintedDocument, today: CalendarDate): CheckOutcome<Mrz> => {
  const rules = [
    ...(documentTypeOfMrz(mrz) === printed.type ? [] : ['mrz_document_type']),
    ...(countryOfMrzState(mrz.issuingState) === printed.issuing_country.toUpperCase() ? [] : ['mrz_issuing_state']),
    ...(printed.number === undefined || printed.number.replace(/[\s-]/g, '').toUpperCase() === mrz.documentNumber ? [] : ['mrz_number']),
    ...(printed.last_name === undefined || mrzNameAgrees(mrz.surname, printed.last_name) ? [] : ['mrz_last_name']),
    ...(printed.first_name === undefined || mrzNameAgrees(mrz.givenNames, printed.first_name) ? [] : ['mrz_first_name']),
    ...(printed.dob === undefined || sameDate(mrzBirthDate(mrz.birthDate, today), printed.dob) ? [] : ['mrz_dob']),
    ...(printed.expiration_date === undefined || sameDate(mrzExpiryDate(mrz.expiryDate), printed.expiration_date) ? [] : ['mrz_expiration_date']),
  ];
  return verdict(MRZ_AGREEMENT_CHECK, rules, mrz);
};

export interface Person {
  readonly first_name?: string;
  readonly last_name?: string;
  readonly dob?: CalendarDate;
}

/** A person from any source whose facts may be missing. */
export const personOf = (source: { readonly first_name?: string | undefined; readonly last_name?: string | undefined; readonly dob?: CalendarDate | undefined }): Person => ({
  ...(source.first_name === undefined ? {} : { first_name: source.first_name }),
  ...(source.last_name === undefined ? {} : { last_name: source.last_name }),
  ...(source.dob === undefined ? {} : { dob: source.dob }),
});

/** Each fact both sides state must agree; a fact only one side states is not a disagreement. */
export const checkPersonAgreement = (check: string, a: Person, b: Person): CheckOutcome<Person> =>
  verdict(
    check,
    [
      ...(a.first_name === undefined || b.first_name === undefined || sameName(a.first_name, b.first_name) ? [] : ['first_name_mismatch']),
      ...(a.last_name === undefined || b.last_name === undefined || sameName(a.last_name, b.last_name) ? [] : ['last_name_mismatch']),
      ...(a.dob === undefined || b.dob === undefined || sameDate(a.dob, b.dob) ? [] : ['dob_mismatch']),
    ],
    a,
  );

/** Names and date of birth on the document agree with `provided_details`. */
export const checkIdentityAgreement = (document: Person, provided: Person): CheckOutcome<Person> =>
  checkPersonAgreement(IDENTITY_AGREEMENT_CHECK, document, provided);

/**
 * The ID-number check needs a full reference person (both names and the date of birth);
 * without one it cannot say whom the number belongs to.
 */
export const checkReferenceSufficient = (reference: Person): CheckOutcome<Required<Person>> =>
  reference.first_name !== undefined && reference.last_name !== undefined && reference.dob !== undefined
    ? verdict(REFERENCE_CHECK, [], reference as Required<Person>)
    : verdict(REFERENCE_CHECK, ['insufficient_reference_data'], reference as Required<Person>);

/** The registry's holder of the number is the reference person: names and dob all agree. */
export const checkIdNumberAgreement = (registryRecord: Required<Person>, reference: Required<Person>): CheckOutcome<Person> =>
  checkPersonAgreement(ID_NUMBER_AGREEMENT_CHECK, registryRecord, reference);
