import { createMemoryFileStore, TEST_REGISTRY_MISMATCH, TEST_REGISTRY_UNKNOWN, type FileStore } from '@idledger/core';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, JENNY, runFlow, specimenPassport, td1, TD3_SPECIMEN, validDocument, validPassport, type FlowInput } from './flow.js';

/**
 * Every last_error code the checks can produce, each driven through the real pipeline by its
 * test input: the session goes back to requires_input with that code, and the report shows the
 * failed section with its error.
 */

afterEach(closeAll);

const withSelfie = { type: 'document', options: { document: { require_matching_selfie: true } } };
const withIdNumber = { type: 'document', options: { document: { require_id_number: true } } };

const cases: ReadonlyArray<readonly [string, string, 'document' | 'selfie' | 'id_number', string, FlowInput]> = [
  ['document_expired', 'an expiration date before the processing date', 'document', 'document_expired', { document: { ...validDocument, expiration_date: { day: 25, month: 11, year: 2026 } } }],
  [
    'document_type_not_supported',
    'a driving licence where only passports are allowed',
    'document',
    'document_type_not_supported',
    { create: { type: 'document', options: { document: { allowed_types: ['passport'] } } } },
  ],
  ['document_unverified_other', 'a front image marked document_forged', 'document', 'document_unverified_other', { frontMarker: 'document_forged' }],
  [
    'document_unverified_other',
    'an MRZ whose date-of-birth check digit is wrong',
    'document',
    'document_unverified_other',
    { document: { ...specimenPassport, expiration_date: undefined, mrz: [TD3_SPECIMEN[0], 'L898902C36UTO7408123F1204159ZE184226B<<<<<10'] } },
  ],
  [
    'document_unverified_other',
    'an MRZ that disagrees with the printed number',
    'document',
    'document_unverified_other',
    { document: { ...validPassport, number: 'X12345679' } },
  ],
  [
    'document_unverified_other',
    'a document whose names disagree with provided_details',
    'document',
    'document_unverified_other',
    { create: { type: 'document', provided_details: { first_name: 'Jane', last_name: 'Rosen' } } },
  ],
  [
    'document_unverified_other',
    'an uploaded image when live capture is required',
    'document',
    'document_unverified_other',
    { create: { type: 'document', options: { document: { require_live_capture: true } } }, document: { ...validDocument, live_capture: false } },
  ],
  [
    'document_unverified_other',
    'an issuing country that is no ISO code',
    'document',
    'document_unverified_other',
    { document: { ...validDocument, issuing_country: 'XX' } },
  ],
  [
    'country_not_supported',
    'a French document where only US documents are supported',
    'document',
    'document_unverified_other',
    { config: { checks: { supportedCountries: ['US'] } }, document: { ...validDocument, issuing_country: 'FR' } },
  ],
  ['under_supported_age', 'a date of birth 17 years before', 'document', 'document_unverified_other', { document: { ...validDocument, dob: { day: 27, month: 11, year: 2008 } } }],
  ['selfie_face_mismatch', 'a selfie marked selfie_mismatch', 'selfie', 'selfie_face_mismatch', { create: withSelfie, selfie: { marker: 'selfie_mismatch' } }],
  ['selfie_manipulated', 'a selfie marked selfie_manipulated', 'selfie', 'selfie_manipulated', { create: withSelfie, selfie: { marker: 'selfie_manipulated' } }],
  [
    'selfie_document_missing_photo',
    'a front image marked document_missing_photo',
    'selfie',
    'selfie_document_missing_photo',
    { create: withSelfie, frontMarker: 'document_missing_photo', selfie: {} },
  ],
  ['selfie_unverified_other', 'a selfie marked selfie_unverifiable', 'selfie', 'selfie_unverified_other', { create: withSelfie, selfie: { marker: 'selfie_unverifiable' } }],
  [
    'selfie_unverified_other',
    'an uploaded selfie when live capture is required',
    'selfie',
    'selfie_unverified_other',
    { create: { type: 'document', options: { document: { require_matching_selfie: true, require_live_capture: true } } }, selfie: { live_capture: false } },
  ],
  ['id_number_unverified_other', 'an SSN in the 9xx area (987-65-4321)', 'id_number', 'id_number_unverified_other', { create: withIdNumber, idNumber: { id_number: '987-65-4321' } }],
  ['id_number_unverified_other', 'a CPF with a wrong check digit', 'id_number', 'id_number_unverified_other', { create: withIdNumber, idNumber: { id_number: '529.982.247-24' } }],
  [
    'id_number_unverified_other',
    'a number the registry does not know',
    'id_number',
    'id_number_unverified_other',
    { create: withIdNumber, idNumber: { id_number: TEST_REGISTRY_UNKNOWN.us_ssn } },
  ],
  ['id_number_mismatch', 'a number the registry knows under another holder', 'id_number', 'id_number_mismatch', { create: withIdNumber, idNumber: { id_number: TEST_REGISTRY_MISMATCH.sg_nric } }],
  [
    'id_number_mismatch',
    'an ID-number session whose provided person is not the holder',
    'id_number',
    'id_number_mismatch',
    { create: { type: 'id_number', provided_details: { ...JENNY, id_number: TEST_REGISTRY_MISMATCH.br_cpf } }, document: null },
  ],
  [
    'id_number_insufficient_document_data',
    'a document without a date of birth',
    'id_number',
    'id_number_insufficient_document_data',
    { create: withIdNumber, document: { ...validDocument, dob: undefined }, idNumber: { id_number: '123-45-6789' } },
  ],
];

describe('each last_error code from its test input, through the real pipeline', () => {
  it.each(cases)('%s: %s', async (code, _input, section, sectionCode, flow) => {
    const { after, report } = await runFlow(flow);
    expect(after.status).toBe('requires_input');
    expect(after.last_error?.code).toBe(code);
    expect(report[section]).toMatchObject({ status: 'unverified', error: { code: sectionCode } });
    expect(after.verified_outputs).toBeNull();
  });

  it('verifies a good document, selfie and ID number, with every section verified', async () => {
    const { after, report } = await runFlow({
      create: { type: 'document', options: { document: { require_matching_selfie: true, require_id_number: true } } },
      selfie: {},
      idNumber: { id_number: '123-45-6789' },
    });
    expect(after.status).toBe('verified');
    expect(after.last_error).toBeNull();
    expect(report).toMatchObject({
      object: 'identity.verification_report',
      type: 'document',
      document: { status: 'verified', error: null, first_name: 'Jenny', last_name: 'Rosen', issuing_country: 'US', type: 'driving_license' },
      selfie: { status: 'verified', error: null },
      id_number: { status: 'verified', error: null, first_name: 'Jenny', last_name: 'Rosen', id_number_type: 'us_ssn' },
    });
    expect(report.selfie.document).toBe(report.document.files[0]);
    expect(report.selfie.selfie).toMatch(/^file_/);
    expect(after.verified_outputs).toEqual({
      address: { line1: '1234 Main St.', line2: null, city: 'San Francisco', state: 'CA', postal_code: '94111', country: 'US' },
      dob: JENNY.dob,
      email: null,
      first_name: 'Jenny',
      last_name: 'Rosen',
      id_number: '123-45-6789',
      id_number_type: 'us_ssn',
      phone: null,
    });
  });

  it('reads the ICAO TD3 specimen in test mode, where UTO is accepted, and finds it expired (2012)', async () => {
    const { after, report } = await runFlow({ document: { ...specimenPassport, expiration_date: undefined, mrz: TD3_SPECIMEN } });
    expect(after.last_error?.code).toBe('document_expired');
    expect(report.document.expiration_date).toEqual({ day: 15, month: 4, year: 2012 });
  });

  it('verifies a passport whose MRZ is valid and agrees with the printed fields', async () => {
    const { after } = await runFlow({ create: { type: 'document', options: { document: { allowed_types: ['passport'] } } }, document: validPassport });
    expect(after.status).toBe('verified');
    expect(after.verified_outputs).toMatchObject({ first_name: 'Anna Maria', last_name: 'Eriksson', dob: { day: 12, month: 8, year: 1974 } });
  });

  it('verifies an identity card whose TD1 zone agrees, and refuses it as a passport', async () => {
    const card = { ...validPassport, type: 'id_card', number: 'D23145890', mrz: td1('D23145890', '350101') };
    expect((await runFlow({ document: card })).after.status).toBe('verified');
    const { after, report } = await runFlow({ document: { ...card, type: 'passport' } });
    expect(after.last_error?.code).toBe('document_unverified_other');
    expect(report.document.error.reason).toBe('The document is invalid.');
  });

  it('refuses the specimen state in live mode: there it is no country at all', async () => {
    const { after } = await runFlow({
      config: { apiKey: 'sk_live_checks', providers: { live: (await import('@idledger/core/ledger')).createTestModeProviders() } },
      document: validPassport,
    });
    expect(after.livemode).toBe(true);
    expect(after.last_error?.code).toBe('document_unverified_other');
  });

  it('verifies an ID-number session from provided_details alone', async () => {
    const { after, report } = await runFlow({ create: { type: 'id_number', provided_details: { ...JENNY, id_number: '529.982.247-25' } }, document: null });
    expect(after.status).toBe('verified');
    expect(report.id_number).toMatchObject({ status: 'verified', id_number_type: 'br_cpf' });
    expect(report.document).toBeUndefined();
    expect(after.verified_outputs).toMatchObject({ ...JENNY, id_number: '529.982.247-25', id_number_type: 'br_cpf', address: null });
  });

  it('reports every failed section, and takes last_error from the document first', async () => {
    const { after, report } = await runFlow({
      create: { type: 'document', options: { document: { require_matching_selfie: true, require_id_number: true } } },
      document: { ...validDocument, expiration_date: { day: 1, month: 1, year: 2020 } },
      selfie: { marker: 'selfie_mismatch' },
      idNumber: { id_number: '987-65-4321' },
    });
    expect(after.last_error?.code).toBe('document_expired');
    expect([report.document.error.code, report.selfie.error.code, report.id_number.error.code]).toEqual([
      'document_expired',
      'selfie_face_mismatch',
      'id_number_unverified_other',
    ]);
  });

  it('shows only the last four digits of an SSN in the report, even when expanded', async () => {
    const { ledger, report } = await runFlow({ create: withIdNumber, idNumber: { id_number: '123-45-6789' } });
    expect(report.id_number.id_number).toBeUndefined();
    const expanded = await ledger.identity.verificationReports.retrieve(report.id, { expand: ['id_number.id_number'] });
    expect(expanded.id_number?.id_number).toBe('6789');
  });
});

describe('the files of an attempt', () => {
  it('are each read once, though the document check and the face match both look at the front', async () => {
    const inner = createMemoryFileStore();
    const reads: Array<string> = [];
    const fileStore: FileStore = { ...inner, get: (id, owner) => (reads.push(id), inner.get(id, owner)) };
    const { after } = await runFlow({ create: withSelfie, selfie: {}, config: { fileStore, simulatedDelayMs: 0 } });
    expect(after.status).toBe('verified');
    expect(reads).toHaveLength(2);
    expect(new Set(reads).size).toBe(2);
  });
});
