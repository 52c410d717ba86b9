import { describe, expect, it } from 'vitest';
import { deciderSpecification } from '../../testing/decider-specification.js';
import type { ProvidedDocument } from '../shared/end-user-inputs.js';
import type { VerificationSessionCommand } from './commands.js';
import { verificationSessionDecider } from './decider.js';
import { sessionEvent } from './events.js';
import * as f from './testing/fixtures.js';

// The end user's commands: what the verification flow may hand over, and when it may submit.

const given = deciderSpecification(verificationSessionDecider);
const at = { sessionId: f.SESSION_ID, now: f.NOW, secretGeneration: 0 };

const document: ProvidedDocument = {
  type: 'passport',
  issuing_country: 'US',
  front: 'file_front',
  back: null,
  live_capture: true,
  fields: { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 } },
};
const selfie = { selfie: 'file_selfie', live_capture: true };
const idNumber = { id_number: '123-45-6789', id_number_type: 'us_ssn' as const };

const provideDocument: VerificationSessionCommand = { type: 'ProvideDocument', document, ...at };
const provideSelfie: VerificationSessionCommand = { type: 'ProvideSelfie', selfie, ...at };
const provideIdNumber: VerificationSessionCommand = { type: 'ProvideIdNumber', idNumber, ...at };
const consent = (granted: boolean): VerificationSessionCommand => ({ type: 'RecordConsent', granted, ...at });
const submit: VerificationSessionCommand = { type: 'SubmitCollectedInputs', ...at };

const documentProvided = sessionEvent('VerificationSessionDocumentProvided', { document, provided_at: f.NOW });
const selfieProvided = sessionEvent('VerificationSessionSelfieProvided', { selfie, provided_at: f.NOW });
const idNumberProvided = sessionEvent('VerificationSessionIdNumberProvided', { id_number: idNumber, provided_at: f.NOW });
const consented = sessionEvent('VerificationSessionConsentGiven', { consented_at: f.NOW });
const endUserSubmitted = (attempt: number) => sessionEvent('VerificationSessionSubmitted', { attempt, submitted_at: f.NOW, source: 'end_user' });

const everything = { document: { require_matching_selfie: true, require_id_number: true } };

describe('providing inputs', () => {
  it('records each input as an event', () => {
    given(f.created({ options: everything })).when(provideDocument).then([documentProvided]);
    given(f.created({ options: everything })).when(provideSelfie).then([selfieProvided]);
    given(f.created({ options: everything })).when(provideIdNumber).then([idNumberProvided]);
    given(f.created()).when(consent(true)).then([consented]);
  });

  it('records consent once', () => {
    given(f.created(), consented).when(consent(true)).thenNothingHappened();
  });

  it('records declined consent as the user-side failure consent_declined', () => {
    given(f.created())
      .when(consent(false))
      .then([
        sessionEvent('VerificationSessionUserFailureRecorded', {
          last_error: { code: 'consent_declined', reason: 'The user declined to be verified.' },
          failed_at: f.NOW,
        }),
      ]);
  });

  it('refuses an input the session does not ask for, naming it', () => {
    given(f.created({ type: 'id_number' })).when(provideDocument).thenFails({ code: 'invalid_value', param: 'document' });
    given(f.created()).when(provideSelfie).thenFails({ code: 'invalid_value', param: 'selfie' });
    given(f.created()).when(provideIdNumber).thenFails({ code: 'invalid_value', param: 'id_number' });
  });

  it('refuses a client_secret of an earlier generation, whatever the command', () => {
    given(f.created()).when({ ...provideDocument, secretGeneration: 1 }).thenFails({ code: 'client_secret_invalid', statusCode: 401, param: 'client_secret' });
  });

  it('refuses input while processing, after verification and after redaction', () => {
    given(f.created(), f.submitted(1)).when(provideDocument).thenFails({ code: 'session_status_invalid' });
    given(...f.history.canceled, f.redactionRequested()).when(provideDocument).thenFails({ code: 'session_redacted' });
  });
});

describe('submitting', () => {
  it('needs consent and a document for a document session', () => {
    given(f.created())
      .when(submit)
      .thenFails({
        code: 'verification_inputs_missing',
        param: 'consent',
        message: "You cannot submit this VerificationSession yet: it still needs the user's consent, a document.",
      });
  });

  it('needs a selfie and an ID number when the options ask for them', () => {
    given(f.created({ options: everything }), consented, documentProvided)
      .when(submit)
      .thenFails({ code: 'verification_inputs_missing', param: 'selfie', message: 'You cannot submit this VerificationSession yet: it still needs a selfie, an ID number.' });
  });

  it('takes the ID number from provided_details too', () => {
    given(f.created({ type: 'id_number', provided_identity: { id_number: '123-45-6789' } }), consented).when(submit).then([endUserSubmitted(1)]);
  });

  it('moves to processing once every option is met, marked as submitted by the end user', () => {
    given(f.created({ options: everything }), consented, documentProvided, selfieProvided, idNumberProvided).when(submit).then([endUserSubmitted(1)]);
  });

  it('keeps the inputs after a failed attempt, for a new submission with the new secret', () => {
    given(f.created(), consented, documentProvided, f.submitted(1), f.checksFailed(1))
      .when({ ...submit, secretGeneration: 1 })
      .then([endUserSubmitted(2)]);
  });
});

describe('what the inputs do to the session', () => {
  const fold = (...events: ReadonlyArray<Parameters<typeof verificationSessionDecider.evolve>[1]>) =>
    events.reduce(verificationSessionDecider.evolve, verificationSessionDecider.initialState);

  it('keeps each latest input until redaction forgets them all', () => {
    const state = fold(f.created({ options: everything }), documentProvided, selfieProvided, idNumberProvided, consented);
    expect(state._tag === 'Existing' && state.session.collected).toEqual({ document, selfie, idNumber, consentedAt: f.NOW });
    const redacted = fold(f.created({ options: everything }), documentProvided, consented, ...f.history.canceled.slice(1), f.redactionRequested());
    expect(redacted._tag === 'Existing' && redacted.session.collected).toEqual({ document: null, selfie: null, idNumber: null, consentedAt: null });
  });

  it('withdraws consent when the user declines', () => {
    const declined = sessionEvent('VerificationSessionUserFailureRecorded', {
      last_error: { code: 'consent_declined', reason: 'The user declined to be verified.' },
      failed_at: f.NOW,
    });
    const state = fold(f.created(), consented, declined);
    expect(state._tag === 'Existing' && state.session.collected.consentedAt).toBeNull();
  });
});
