import { describe, expect, it } from 'vitest';
import type { ProvidedDocument } from '../shared/end-user-inputs.js';
import { evolve } from '../verification-session/evolve.js';
import { sessionEvent, type VerificationSessionEvent } from '../verification-session/events.js';
import type { SessionData } from '../verification-session/state.js';
import * as f from '../verification-session/testing/fixtures.js';
import { assessAttempt, type AttemptAnswers } from './assess.js';

// The pure assessment of one attempt: inputs and provider answers in, report and outcome out.

const NOW = Date.UTC(2026, 10, 26) / 1000;
const policy = { minimumAge: 18, acceptSpecimen: true };

const document: ProvidedDocument = {
  type: 'id_card',
  issuing_country: 'BR',
  front: 'file_front',
  back: 'file_back',
  live_capture: true,
  fields: { first_name: 'João', last_name: 'Silva', dob: { day: 2, month: 3, year: 1990 }, expiration_date: { day: 1, month: 1, year: 2030 }, sex: 'male' },
};

const sessionWith = (created: VerificationSessionEvent, ...inputs: VerificationSessionEvent[]): SessionData => {
  const state = [created, ...inputs].reduce(evolve, { _tag: 'Absent' } as ReturnType<typeof evolve>);
  if (state._tag !== 'Existing') throw new Error('no session');
  return state.session;
};
const provided = (doc: ProvidedDocument = document) => sessionEvent('VerificationSessionDocumentProvided', { document: doc, provided_at: NOW });
const assess = (session: SessionData, answers: AttemptAnswers = { document: { authentic: true } }) =>
  assessAttempt({ session, answers, policy, reportId: 'vr_1', now: NOW });

describe('assessAttempt', () => {
  it('verifies a genuine, valid document and takes the outputs from it', () => {
    const outcome = assess(sessionWith(f.created(), provided()));
    expect(outcome).toMatchObject({
      kind: 'verified',
      report: { id: 'vr_1', created: NOW, type: 'document', document: { status: 'verified', error: null, files: ['file_front', 'file_back'], issuing_country: 'BR' } },
      verifiedOutputs: { first_name: 'João', last_name: 'Silva', dob: { day: 2, month: 3, year: 1990 }, sex: 'male', id_number: null, address: null },
    });
    expect(outcome.findings?.every((finding) => finding.valid)).toBe(true);
  });

  it('records every check it ran as a finding, never the values checked', () => {
    const outcome = assess(sessionWith(f.created(), provided({ ...document, fields: { ...document.fields, expiration_date: { day: 1, month: 1, year: 2020 } } })));
    expect(outcome.findings).toContainEqual({ check: 'document.expiry@1', valid: false, failed_rules: ['expired'] });
    expect(JSON.stringify(outcome.findings)).not.toContain('Silva');
  });

  it('shows a session-level code as an invalid document with that code\'s reason', () => {
    const outcome = assess(sessionWith(f.created(), provided({ ...document, fields: { ...document.fields, dob: { day: 1, month: 1, year: 2010 } } })));
    expect(outcome).toMatchObject({
      kind: 'unverified',
      lastError: { code: 'under_supported_age', reason: 'The user is under the supported age.' },
      report: { document: { status: 'unverified', error: { code: 'document_unverified_other', reason: 'The user is under the supported age.' } } },
    });
  });

  it('judges a missing file as a failed check, not a verification', () => {
    expect(assess(sessionWith(f.created(), provided()), { document: 'file_missing' })).toMatchObject({
      kind: 'unverified',
      lastError: { code: 'document_unverified_other' },
    });
  });

  it('checks a CPF against the document holder and gives the full number only in the outputs', () => {
    const session = sessionWith(
      f.created({ options: { document: { require_id_number: true } } }),
      provided(),
      sessionEvent('VerificationSessionIdNumberProvided', { id_number: { id_number: '529.982.247-25', id_number_type: 'br_cpf' }, provided_at: NOW }),
    );
    const holder = { found: true as const, first_name: 'JOAO', last_name: 'SILVA', dob: { day: 2, month: 3, year: 1990 } };
    expect(assess(session, { document: { authentic: true }, registry: holder })).toMatchObject({
      kind: 'verified',
      report: { id_number: { status: 'verified', id_number: '529.982.247-25', id_number_type: 'br_cpf', first_name: 'João' } },
      verifiedOutputs: { id_number: '529.982.247-25', id_number_type: 'br_cpf' },
    });
    expect(assess(session, { document: { authentic: true }, registry: { ...holder, dob: { day: 3, month: 3, year: 1990 } } })).toMatchObject({
      kind: 'unverified',
      lastError: { code: 'id_number_mismatch' },
    });
  });

  it('reports an OCR reading that disagrees with the provided fields as an invalid document', () => {
    expect(assess(sessionWith(f.created(), provided()), { document: { authentic: true, extracted: { last_name: 'Souza' } } })).toMatchObject({
      kind: 'unverified',
      lastError: { code: 'document_unverified_other' },
      findings: expect.arrayContaining([{ check: 'document.ocr_agreement@1', valid: false, failed_rules: ['last_name_mismatch'] }]),
    });
  });
});

describe('findings', () => {
  it('name each check by the same id whether it passed or failed', () => {
    const withIdNumber = (doc: ProvidedDocument) =>
      sessionWith(
        f.created({ options: { document: { require_id_number: true } } }),
        provided(doc),
        sessionEvent('VerificationSessionIdNumberProvided', { id_number: { id_number: '123-45-6789', id_number_type: 'us_ssn' }, provided_at: NOW }),
      );
    const holder = { found: true as const, first_name: 'João', last_name: 'Silva', dob: { day: 2, month: 3, year: 1990 } };
    const passing = assess(withIdNumber(document), { document: { authentic: true }, registry: holder }).findings ?? [];
    const { dob: _dob, ...fieldsWithoutDob } = document.fields;
    const failing = assess(withIdNumber({ ...document, fields: fieldsWithoutDob, type: 'passport' }), { document: { authentic: false } }).findings ?? [];
    const ids = (findings: ReadonlyArray<{ check: string }>) => findings.map(({ check }) => check);
    expect(ids(failing).filter((id) => !ids(passing).includes(id))).toEqual([]);
    expect(failing.filter(({ valid }) => !valid).map(({ check }) => check)).toEqual(['provider.document_authenticity@1', 'id_number.reference@1']);
  });
});
