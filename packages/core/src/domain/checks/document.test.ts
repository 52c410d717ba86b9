import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIdNumberAgreement, checkIdentityAgreement, checkMrzAgreement, checkReferenceSufficient, normalizeName } from './agreement.js';
import { ageOn } from './dates.js';
import {
  checkDocumentExpiry,
  checkDocumentType,
  checkIssuingCountry,
  checkLiveCapture,
  checkMinimumAge,
  countryOfMrzState,
} from './document.js';
import { parseMrz, type Mrz } from './mrz.js';

const today = { year: 2026, month: 11, day: 26 };
const rules = (result: E.Either<{ failedRules: ReadonlyArray<string> }, unknown>) => (E.isLeft(result) ? result.left.failedRules : []);

describe('document type (document.type@1)', () => {
  it('accepts every kind when allowed_types is not set, otherwise only those listed', () => {
    expect(rules(checkDocumentType('passport', undefined))).toEqual([]);
    expect(rules(checkDocumentType('passport', ['passport', 'id_card']))).toEqual([]);
    expect(rules(checkDocumentType('driving_license', ['passport']))).toEqual(['type_not_allowed']);
  });
});

describe('expiry (document.expiry@1)', () => {
  it('is expired only after the expiration date', () => {
    expect(rules(checkDocumentExpiry({ year: 2026, month: 11, day: 25 }, today))).toEqual(['expired']);
    expect(rules(checkDocumentExpiry({ year: 2026, month: 11, day: 26 }, today))).toEqual([]);
    expect(rules(checkDocumentExpiry(undefined, today))).toEqual([]);
  });
});

describe('issuing country (document.country@1)', () => {
  it('tells an unknown code from a known but unsupported one', () => {
    expect(rules(checkIssuingCountry('ZZ', { acceptSpecimen: false }))).toEqual(['country_unknown']);
    expect(rules(checkIssuingCountry('FR', { supported: ['US', 'DE'], acceptSpecimen: false }))).toEqual(['country_not_supported']);
    expect(rules(checkIssuingCountry('de', { supported: ['US', 'DE'], acceptSpecimen: false }))).toEqual([]);
  });
  it('accepts the specimen state UTO only when asked to', () => {
    expect(rules(checkIssuingCountry('UTO', { acceptSpecimen: true }))).toEqual([]);
    expect(rules(checkIssuingCountry('UTO', { acceptSpecimen: false }))).toEqual(['country_unknown']);
  });
  it('maps MRZ state codes to alpha-2, including ICAO-only codes', () => {
    expect(countryOfMrzState('USA')).toBe('US');
    expect(countryOfMrzState('D')).toBe('DE');
    expect(countryOfMrzState('GBD')).toBe('GB');
    expect(countryOfMrzState('XXX')).toBeUndefined();
  });
});

describe('minimum age (subject.minimum_age@1)', () => {
  it('counts whole years up to the reference date', () => {
    expect(rules(checkMinimumAge({ year: 2008, month: 11, day: 26 }, today, 18))).toEqual([]);
    expect(rules(checkMinimumAge({ year: 2008, month: 11, day: 27 }, today, 18))).toEqual(['under_minimum_age']);
  });
  it('age never decreases as the reference date moves on', () => {
    const date = fc.record({ year: fc.integer({ min: 1900, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) });
    fc.assert(fc.property(date, fc.integer({ min: 0, max: 200 }), (dob, years) => ageOn(dob, { ...dob, year: dob.year + years }) === years));
  });
});

describe('live capture (capture.live@1)', () => {
  it('refuses uploads only when live capture is required', () => {
    expect(rules(checkLiveCapture(true, [true, false]))).toEqual(['upload_not_allowed']);
    expect(rules(checkLiveCapture(true, [true, true]))).toEqual([]);
    expect(rules(checkLiveCapture(false, [false]))).toEqual([]);
  });
});

describe('MRZ agreement (mrz.agreement@1)', () => {
  const specimen = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
  const mrz = (E.isRight(specimen) ? specimen.right : undefined) as Mrz;
  const printed = {
    type: 'passport' as const,
    issuing_country: 'UTO',
    number: 'L898902C3',
    first_name: 'Anna María',
    last_name: 'Eriksson',
    dob: { year: 1974, month: 8, day: 12 },
    expiration_date: { year: 2012, month: 4, day: 15 },
  };
  it('agrees with the printed fields (accents and case aside)', () => {
    expect(rules(checkMrzAgreement(mrz, printed, today))).toEqual([]);
  });
  it('names every field that disagrees', () => {
    expect(
      rules(checkMrzAgreement(mrz, { ...printed, type: 'id_card', number: 'L898902C4', dob: { year: 1974, month: 8, day: 13 }, last_name: 'Eriksen' }, today)),
    ).toEqual(['mrz_document_type', 'mrz_number', 'mrz_last_name', 'mrz_dob']);
  });
});

describe('names and date of birth (identity.agreement@1)', () => {
  it('compares what both sides state', () => {
    expect(rules(checkIdentityAgreement({ first_name: 'José', last_name: 'da Silva' }, { first_name: 'JOSE', last_name: 'Da-Silva' }))).toEqual([]);
    expect(rules(checkIdentityAgreement({ first_name: 'Ann', dob: { year: 1990, month: 1, day: 1 } }, { first_name: 'Anna', dob: { year: 1990, month: 1, day: 2 } }))).toEqual([
      'first_name_mismatch',
      'dob_mismatch',
    ]);
    expect(rules(checkIdentityAgreement({ first_name: 'Ann' }, {}))).toEqual([]);
  });
  it('normalises names as an MRZ writes them', () => {
    expect(normalizeName("  O'Brien-Smith ")).toBe('O BRIEN SMITH');
  });
});

describe('ID-number agreement (id_number.agreement@1)', () => {
  const person = { first_name: 'Jenny', last_name: 'Rosen', dob: { year: 1985, month: 6, day: 15 } };
  it('needs both names and the date of birth as reference', () => {
    expect(rules(checkReferenceSufficient({ first_name: 'Jenny', last_name: 'Rosen' }))).toEqual(['insufficient_reference_data']);
    expect(rules(checkReferenceSufficient(person))).toEqual([]);
  });
  it('fails when the registry names someone else', () => {
    expect(rules(checkIdNumberAgreement({ ...person, last_name: 'Other' }, person))).toEqual(['last_name_mismatch']);
    expect(rules(checkIdNumberAgreement(person, person))).toEqual([]);
  });
});
