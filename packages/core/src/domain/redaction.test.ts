import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTED_DATE, redactAddress, redactProvidedContact, redactReport, redactVerifiedOutputs } from './redaction.js';
import * as f from './verification-session/testing/fixtures.js';

// Spec section 7: the placeholders redaction leaves behind.

const R = '[redacted]';
const DATE = { day: 1, month: 1, year: 1 };

describe('placeholders', () => {
  it('are the string "[redacted]" and the date 1/1/1 (not 1900, not 1000)', () => {
    expect(REDACTED).toBe('[redacted]');
    expect(REDACTED_DATE).toStrictEqual({ day: 1, month: 1, year: 1 });
  });
});

describe('redactAddress', () => {
  it('replaces every line but keeps the country', () => {
    expect(redactAddress(f.address({ line2: 'Apt 4' }))).toStrictEqual({ city: R, country: 'US', line1: R, line2: R, postal_code: R, state: R });
  });

  it('leaves null members null, and a null address null', () => {
    expect(redactAddress({ city: null, country: null, line1: 'x', line2: null, postal_code: null, state: null })).toStrictEqual({
      city: null,
      country: null,
      line1: R,
      line2: null,
      postal_code: null,
      state: null,
    });
    expect(redactAddress(null)).toBeNull();
  });
});

describe('redactVerifiedOutputs', () => {
  it('replaces personal strings, dob and sex; keeps country and id_number_type', () => {
    expect(redactVerifiedOutputs(f.verifiedOutputs())).toStrictEqual({
      address: { city: R, country: 'US', line1: R, line2: null, postal_code: R, state: R },
      dob: DATE,
      email: R,
      first_name: R,
      last_name: R,
      id_number: R,
      id_number_type: 'us_ssn',
      phone: R,
      sex: R,
      unparsed_place_of_birth: R,
      unparsed_sex: R,
    });
  });

  it('leaves every null field null', () => {
    const empty = {
      address: null,
      dob: null,
      email: null,
      first_name: null,
      last_name: null,
      id_number: null,
      id_number_type: null,
      phone: null,
      sex: null,
      unparsed_place_of_birth: null,
      unparsed_sex: null,
    } as const;
    expect(redactVerifiedOutputs(empty)).toStrictEqual(empty);
  });

  it('replaces an "unknown" sex too, and does not touch its input', () => {
    const outputs = f.verifiedOutputs({ sex: 'unknown' });
    expect(redactVerifiedOutputs(outputs).sex).toBe(R);
    expect(outputs).toStrictEqual(f.verifiedOutputs({ sex: 'unknown' }));
  });
});

describe('redactProvidedContact', () => {
  it('replaces the email and phone that were given, adding none', () => {
    expect(redactProvidedContact({ email: 'a@example.com', phone: '+1555' })).toStrictEqual({ email: R, phone: R });
    expect(redactProvidedContact({ phone: '+1555' })).toStrictEqual({ phone: R });
    expect(redactProvidedContact({})).toStrictEqual({});
  });

  it('leaves null null', () => {
    expect(redactProvidedContact(null)).toBeNull();
  });
});

describe('redactReport', () => {
  it('replaces the document check’s personal data, dates included, and keeps status, error, files, country and kind', () => {
    const report = f.documentReport({
      document: f.documentCheck({ status: 'unverified', error: { code: 'document_expired', reason: 'The document is expired.' } }),
    });
    expect(redactReport(report).document).toStrictEqual({
      status: 'unverified',
      error: { code: 'document_expired', reason: 'The document is expired.' },
      address: { city: R, country: 'US', line1: R, line2: null, postal_code: R, state: R },
      dob: DATE,
      expiration_date: DATE,
      issued_date: DATE,
      files: ['file_front', 'file_back'],
      first_name: R,
      last_name: R,
      issuing_country: 'US',
      number: R,
      sex: R,
      type: 'driving_license',
      unparsed_place_of_birth: R,
      unparsed_sex: R,
    });
  });

  it('leaves null members of the document check null', () => {
    const sparse = f.documentCheck({
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
    });
    expect(redactReport(f.documentReport({ document: sparse })).document).toStrictEqual(sparse);
  });

  it('replaces the id_number check’s names, number and dob, keeping its type and status', () => {
    expect(redactReport(f.idNumberReport()).id_number).toStrictEqual({
      status: 'verified',
      error: null,
      dob: DATE,
      first_name: R,
      last_name: R,
      id_number: R,
      id_number_type: 'us_ssn',
    });
  });

  it('keeps the report’s id, time, type, options and selfie file ids, and adds no check that did not run', () => {
    const redacted = redactReport(f.documentReport());
    expect(redacted).toMatchObject({ id: 'vr_1', created: f.NOW, type: 'document', options: { document: { require_matching_selfie: true } } });
    expect(redacted.selfie).toStrictEqual(f.selfieCheck());
    expect(Object.keys(redactReport(f.idNumberReport())).sort()).toEqual(['created', 'id', 'id_number', 'options', 'type']);
  });

  it('is idempotent and leaves its input untouched', () => {
    const report = f.documentReport();
    const once = redactReport(report);
    expect(redactReport(once)).toStrictEqual(once);
    expect(report).toStrictEqual(f.documentReport());
  });
});
