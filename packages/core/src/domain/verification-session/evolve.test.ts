import { describe, expect, it } from 'vitest';
import { fold } from '../shared/decider.js';
import { verificationSessionDecider } from './decider.js';
import type { VerificationSessionEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialState, type SessionData } from './state.js';
import * as f from './testing/fixtures.js';

// What each recorded fact does to the state folded from a session's stream.

const sessionAfter = (...events: ReadonlyArray<VerificationSessionEvent>): SessionData => {
  const state = fold(verificationSessionDecider, events);
  if (state._tag !== 'Existing') throw new Error('expected an existing session');
  return state.session;
};

const R = '[redacted]';

describe('VerificationSessionCreated', () => {
  it('starts the session in requires_input with nothing processed and the first secret minted at creation', () => {
    expect(
      sessionAfter(
        f.createdWithPersonalData({
          livemode: true,
          related_customer_account: 'acct_1',
          related_person: { account: 'acct_1', person: 'person_1' },
          return_url: 'https://example.com/done',
        }),
      ),
    ).toStrictEqual({
      id: 'vs_1',
      livemode: true,
      type: 'document',
      created: f.CREATED_AT,
      status: 'requires_input',
      options: { document: { require_matching_selfie: true, allowed_types: ['passport'] } },
      providedDetails: { email: 'jenny@example.com', phone: '+14155550100' },
      providedIdentity: { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 }, id_number: '123-45-6789', id_number_type: 'us_ssn' },
      metadata: { user_id: 'user_42', note: 'Jenny Rosen' },
      clientReferenceId: 'ref_42',
      relatedCustomer: 'cus_1',
      relatedCustomerAccount: 'acct_1',
      relatedPerson: { account: 'acct_1', person: 'person_1' },
      returnUrl: 'https://example.com/done',
      lastError: null,
      lastVerificationReport: null,
      verifiedOutputs: null,
      redaction: null,
      secretGeneration: 0,
      secretMintedAt: f.CREATED_AT,
      attempt: 0,
      reports: [],
      collected: { document: null, selfie: null, idNumber: null, consentedAt: null },
    });
  });

  it('is the only event that brings a session into existence', () => {
    expect(evolve(initialState, f.submitted(1))).toEqual({ _tag: 'Absent' });
    expect(evolve(initialState, f.redactionRequested())).toEqual({ _tag: 'Absent' });
  });
});

describe('VerificationSessionUpdated', () => {
  it('sets, replaces and clears document options, keeping other options', () => {
    const base = f.created({ options: { id_number: {} } });
    expect(sessionAfter(base, f.updated({ options: { document: { require_live_capture: true } } })).options).toEqual({
      id_number: {},
      document: { require_live_capture: true },
    });
    expect(
      sessionAfter(base, f.updated({ options: { document: { require_live_capture: true } } }), f.updated({ options: { document: { allowed_types: ['id_card'] } } }))
        .options,
    ).toEqual({ id_number: {}, document: { allowed_types: ['id_card'] } });
    expect(sessionAfter(f.created({ options: { document: { require_id_number: true } } }), f.updated({ options: { document: null } })).options).toStrictEqual({});
  });

  it('drops document options when the type becomes id_number, and does not bring them back', () => {
    const session = sessionAfter(f.created({ options: { document: { require_id_number: true }, id_number: {} } }), f.updated({ type: 'id_number' }));
    expect(session.type).toBe('id_number');
    expect(session.options).toStrictEqual({ id_number: {} });
    expect(sessionAfter(f.created({ options: { document: { require_id_number: true } } }), f.updated({ type: 'id_number' }), f.updated({ type: 'document' })).options).toStrictEqual({});
  });

  it('merges provided contact details and provided identity into what was given before', () => {
    const session = sessionAfter(
      f.created({ provided_details: { email: 'old@example.com' }, provided_identity: { first_name: 'Jenny' } }),
      f.updated({ provided_details: { phone: '+1555' }, provided_identity: { last_name: 'Rosen' } }),
      f.updated({ provided_details: { email: 'new@example.com' } }),
    );
    expect(session.providedDetails).toEqual({ email: 'new@example.com', phone: '+1555' });
    expect(session.providedIdentity).toEqual({ first_name: 'Jenny', last_name: 'Rosen' });
    expect(sessionAfter(f.created(), f.updated({ provided_details: { email: 'a@example.com' } })).providedDetails).toEqual({ email: 'a@example.com' });
  });

  it('merges metadata, deletes a key mapped to null, and clears everything on null', () => {
    const base = f.created({ metadata: { a: '1', b: '2' } });
    expect(sessionAfter(base, f.updated({ metadata: { b: '3', c: '4' } })).metadata).toEqual({ a: '1', b: '3', c: '4' });
    expect(sessionAfter(base, f.updated({ metadata: { a: null } })).metadata).toStrictEqual({ b: '2' });
    expect(sessionAfter(base, f.updated({ metadata: null })).metadata).toStrictEqual({});
  });

  it('changes nothing else', () => {
    const before = sessionAfter(...f.history.verified);
    expect(sessionAfter(...f.history.verified, f.updated({ metadata: { k: 'v' } }))).toStrictEqual({ ...before, metadata: { k: 'v' } });
  });
});

describe('attempts', () => {
  it('Submitted: processing, the attempt number, the last error kept, the secret unchanged', () => {
    const failed = sessionAfter(...f.history.failedOnce);
    const session = sessionAfter(...f.history.failedOnce, f.submitted(2));
    expect(session).toStrictEqual({ ...failed, status: 'processing', attempt: 2 });
    expect(session.lastError).toEqual(f.lastError());
  });

  it('Verified: verified, the report appended and current, outputs filled, last error cleared, secret unchanged', () => {
    const report = f.documentReport({ id: 'vr_2' });
    const before = sessionAfter(f.created(), f.submitted(1), f.checksFailed(1), f.submitted(2));
    const session = sessionAfter(f.created(), f.submitted(1), f.checksFailed(1), f.submitted(2), f.verified(2, { report }));
    expect(session).toStrictEqual({
      ...before,
      status: 'verified',
      lastError: null,
      lastVerificationReport: 'vr_2',
      verifiedOutputs: f.verifiedOutputs(),
      reports: [...before.reports, report],
    });
    expect(session.reports.map((r) => r.id)).toEqual(['vr_1', 'vr_2']);
  });

  it('ChecksFailed: back to requires_input with the error and the report, and a fresh secret minted at failure', () => {
    const before = sessionAfter(...f.history.processing);
    const failed = f.checksFailed(1);
    const session = sessionAfter(...f.history.processing, failed);
    expect(session).toStrictEqual({
      ...before,
      status: 'requires_input',
      lastError: f.lastError(),
      lastVerificationReport: 'vr_1',
      reports: [(failed.data as { report: unknown }).report],
      secretGeneration: 1,
      secretMintedAt: f.CREATED_AT + 15,
    });
    expect(sessionAfter(f.created(), f.submitted(1), f.checksFailed(1), f.submitted(2), f.checksFailed(2)).secretGeneration).toBe(2);
  });

  it('UserFailureRecorded: stays in requires_input with the error and a fresh secret, no report', () => {
    const error = f.lastError('consent_declined', 'The user declined to be verified.');
    const session = sessionAfter(f.created(), f.userFailureRecorded({ last_error: error, failed_at: f.CREATED_AT + 77 }));
    expect(session).toStrictEqual({ ...sessionAfter(f.created()), lastError: error, secretGeneration: 1, secretMintedAt: f.CREATED_AT + 77 });
  });
});

describe('VerificationSessionCanceled', () => {
  it('cancels and clears the last error (observed), leaving the secret generation alone', () => {
    const before = sessionAfter(...f.history.failedOnce);
    expect(sessionAfter(...f.history.failedOnce, f.canceled())).toStrictEqual({ ...before, status: 'canceled', lastError: null });
  });
});

describe('VerificationSessionRedactionRequested', () => {
  const verifiedWithPersonalData = [
    f.createdWithPersonalData(),
    f.submitted(1),
    f.checksFailed(1),
    f.submitted(2),
    f.verified(2, { report: f.idNumberReport({ id: 'vr_2' }), verified_outputs: f.verifiedOutputs({ address: f.address({ line2: 'Apt 4' }) }) }),
  ];
  const before = sessionAfter(...verifiedWithPersonalData);
  const after = sessionAfter(...verifiedWithPersonalData, f.redactionRequested());

  it('marks the redaction as processing and keeps status, ids, options and references', () => {
    expect(after.redaction).toEqual({ status: 'processing' });
    const kept = ['id', 'livemode', 'type', 'created', 'status', 'options', 'clientReferenceId', 'relatedCustomer', 'lastVerificationReport', 'attempt', 'secretGeneration', 'secretMintedAt'] as const;
    for (const key of kept) expect(after[key], key).toStrictEqual(before[key]);
    expect(after.status).toBe('verified');
  });

  it('empties metadata, forgets the provided identity and replaces provided contact details', () => {
    expect(after.metadata).toStrictEqual({});
    expect(after.providedIdentity).toBeNull();
    expect(after.providedDetails).toStrictEqual({ email: R, phone: R });
    expect(sessionAfter(f.created({ provided_details: { email: 'a@example.com' } }), f.canceled(), f.redactionRequested()).providedDetails).toStrictEqual({ email: R });
  });

  it('puts placeholders into the verified outputs: names, dob 1/1/1, address lines; country, id_number_type and nulls kept', () => {
    expect(after.verifiedOutputs).toStrictEqual({
      address: { city: R, country: 'US', line1: R, line2: R, postal_code: R, state: R },
      dob: { day: 1, month: 1, year: 1 },
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
    const sparse = f.verifiedOutputs({ address: null, dob: null, email: null, phone: null, sex: null, id_number: null, id_number_type: null, unparsed_place_of_birth: null, unparsed_sex: null });
    const redactedSparse = sessionAfter(f.created(), f.submitted(1), f.verified(1, { verified_outputs: sparse }), f.redactionRequested()).verifiedOutputs;
    expect(redactedSparse).toStrictEqual({ ...sparse, first_name: R, last_name: R });
  });

  it('redacts every report of the session, keeping check statuses, error codes and file ids', () => {
    expect(after.reports).toHaveLength(2);
    const [failedReport, verifiedReport] = after.reports;
    expect(failedReport?.document).toMatchObject({
      status: 'unverified',
      error: { code: 'document_expired', reason: 'The document is expired.' },
      first_name: R,
      last_name: R,
      number: R,
      dob: { day: 1, month: 1, year: 1 },
      address: { city: R, country: 'US', line1: R, line2: null },
      files: ['file_front', 'file_back'],
      issuing_country: 'US',
    });
    expect(failedReport?.selfie).toEqual(f.selfieCheck());
    expect(verifiedReport?.id_number).toStrictEqual({ ...f.idNumberCheck(), first_name: R, last_name: R, id_number: R, dob: { day: 1, month: 1, year: 1 } });
    expect(JSON.stringify(after.reports)).not.toMatch(/Jenny|Rosen|D1234567|6789|Main St/);
  });

  it('keeps the last error (generic text) and leaves absent data absent', () => {
    const session = sessionAfter(...f.history.failedOnce, f.redactionRequested());
    expect(session.lastError).toEqual(f.lastError());
    expect(sessionAfter(...f.history.canceled, f.redactionRequested())).toMatchObject({ verifiedOutputs: null, providedDetails: null, providedIdentity: null, reports: [] });
  });
});

describe('VerificationSessionRedacted', () => {
  it('marks the redaction as done and changes nothing else', () => {
    const requested = sessionAfter(...f.history.verifiedRedacting);
    expect(sessionAfter(...f.history.verifiedRedacted)).toStrictEqual({ ...requested, redaction: { status: 'redacted' } });
  });
});
