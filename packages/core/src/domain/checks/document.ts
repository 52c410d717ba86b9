import { iso31661Alpha3ToAlpha2 } from 'iso-3166';
import type { DocumentType } from '../shared/values.js';
import { failed, verdict, type CheckOutcome } from './check-result.js';
import { ageOn, compareDates, type CalendarDate } from './dates.js';

/** Checks on a document's kind, validity period, issuing country and holder's age. */

export const DOCUMENT_TYPE_CHECK = 'document.type@1';
export const DOCUMENT_EXPIRY_CHECK = 'document.expiry@1';
export const DOCUMENT_COUNTRY_CHECK = 'document.country@1';
export const MINIMUM_AGE_CHECK = 'subject.minimum_age@1';
export const LIVE_CAPTURE_CHECK = 'capture.live@1';

/** When `allowed_types` is not set, every kind is accepted. */
export const checkDocumentType = (type: DocumentType, allowed: ReadonlyArray<DocumentType> | undefined): CheckOutcome<DocumentType> =>
  verdict(DOCUMENT_TYPE_CHECK, allowed === undefined || allowed.includes(type) ? [] : ['type_not_allowed'], type);

/** A document is expired when its expiration date is before the reference date; it is valid on that day itself. */
export const checkDocumentExpiry = (expiration: CalendarDate | undefined, today: CalendarDate): CheckOutcome<CalendarDate | undefined> =>
  verdict(DOCUMENT_EXPIRY_CHECK, expiration !== undefined && compareDates(expiration, today) < 0 ? ['expired'] : [], expiration);

/** ICAO's specimen state (Utopia): a real layout from a state that does not exist. */
export const SPECIMEN_STATE = 'UTO';

export interface CountryPolicy {
  /** ISO 3166-1 alpha-2 codes; `undefined` accepts every known country. */
  readonly supported?: ReadonlyArray<string>;
  /** Accept ICAO's specimen state `UTO`, so the specimens can drive test flows. */
  readonly acceptSpecimen: boolean;
}

const ALPHA2 = new Set(Object.values(iso31661Alpha3ToAlpha2));

/**
 * `country_unknown`: not an ISO 3166-1 code at all (a finding about the document);
 * `country_not_supported`: a real country this ledger does not accept.
 */
export const checkIssuingCountry = (country: string, policy: CountryPolicy): CheckOutcome<string> => {
  const code = country.trim().toUpperCase();
  if (code === SPECIMEN_STATE && policy.acceptSpecimen) return verdict(DOCUMENT_COUNTRY_CHECK, [], code);
  if (!ALPHA2.has(code)) return failed(DOCUMENT_COUNTRY_CHECK, 'country_unknown');
  return verdict(DOCUMENT_COUNTRY_CHECK, policy.supported === undefined || policy.supported.includes(code) ? [] : ['country_not_supported'], code);
};

/** ICAO codes that are not ISO alpha-3: Germany's `D` and the British nationality categories. */
const ICAO_ONLY_CODES: Record<string, string> = { D: 'DE', GBD: 'GB', GBN: 'GB', GBO: 'GB', GBP: 'GB', GBS: 'GB' };

/** The alpha-2 country of an MRZ state code, the specimen state as itself, `undefined` when unknown. */
export const countryOfMrzState = (state: string): string | undefined =>
  state === SPECIMEN_STATE ? SPECIMEN_STATE : (ICAO_ONLY_CODES[state] ?? (iso31661Alpha3ToAlpha2 as Record<string, string>)[state]);

export const checkMinimumAge = (dob: CalendarDate, today: CalendarDate, minimumAge: number): CheckOutcome<number> => {
  const age = ageOn(dob, today);
  return verdict(MINIMUM_AGE_CHECK, age < minimumAge ? ['under_minimum_age'] : [], age);
};

/** With `require_live_capture`, every image must come from the device camera. */
export const checkLiveCapture = (required: boolean, captures: ReadonlyArray<boolean>): CheckOutcome<true> =>
  verdict(LIVE_CAPTURE_CHECK, required && captures.some((live) => !live) ? ['upload_not_allowed'] : [], true as const);
