import { testFile } from '@idledger/core';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, ledgerAt, validDocument } from './flow.js';

/** The end user's face: authorised by client_secret alone, files checked from their bytes, submission only when complete. */

afterEach(closeAll);

const start = async (create: Record<string, unknown> = { type: 'document' }, config = {}) => {
  const ledger = await ledgerAt(config);
  const session = await ledger.identity.verificationSessions.create(create);
  return { ledger, session, secret: session.client_secret!, flow: ledger.endUser.verificationSessions };
};

describe('authorisation by client_secret', () => {
  it('refuses a malformed, unknown or forged secret with the same 401', async () => {
    const { flow, session } = await start();
    const refused = { code: 'client_secret_invalid', statusCode: 401, param: 'client_secret' };
    await expect(flow.retrieve('nonsense')).rejects.toMatchObject(refused);
    await expect(flow.retrieve('vs_unknown_secret_test_abc')).rejects.toMatchObject(refused);
    await expect(flow.retrieve(`${session.id}_secret_test_forged`)).rejects.toMatchObject(refused);
  });

  it('refuses the old secret after a failed attempt, and accepts the fresh one', async () => {
    const { ledger, session, secret, flow } = await start({ type: 'id_number', provided_details: { first_name: 'A', last_name: 'B', dob: { day: 1, month: 1, year: 1990 }, id_number: '987-65-4321' } });
    await flow.consent(secret, { granted: true });
    await flow.submit(secret);
    await ledger.whenIdle();
    const retried = await ledger.identity.verificationSessions.retrieve(session.id);
    expect(retried.last_error?.code).toBe('id_number_unverified_other');
    await expect(flow.provideIdNumber(secret, { id_number: '123-45-6789' })).rejects.toMatchObject({ code: 'client_secret_invalid' });
    await expect(flow.provideIdNumber(retried.client_secret!, { id_number: '123-45-6789' })).resolves.toMatchObject({ missing: [] });
  });

  it('records the end user as the actor, never an API key', async () => {
    const { ledger, session, secret, flow } = await start();
    await flow.consent(secret, { granted: true });
    const audit = await ledger.audit(session.id);
    expect(audit.at(-1)).toMatchObject({ type: 'VerificationSessionConsentGiven', actor: { type: 'end_user', session: session.id }, changed_fields: ['consent'] });
  });
});

describe('files', () => {
  it('accepts JPEG, PNG and PDF documents judged from their bytes, and only images as selfies', async () => {
    const { flow, secret } = await start({ type: 'document', options: { document: { require_matching_selfie: true } } });
    await expect(flow.uploadFile(secret, testFile('application/pdf'), { purpose: 'identity_document' })).resolves.toMatchObject({
      object: 'file',
      type: 'application/pdf',
      purpose: 'identity_document',
    });
    await expect(flow.uploadFile(secret, testFile('application/pdf'), { purpose: 'selfie' })).rejects.toMatchObject({ code: 'file_invalid', param: 'data' });
    await expect(flow.uploadFile(secret, Buffer.from('GIF89a……'), { purpose: 'identity_document' })).rejects.toMatchObject({ code: 'file_invalid', param: 'data' });
    await expect(flow.uploadFile(secret, new Uint8Array(), { purpose: 'identity_document' })).rejects.toMatchObject({ code: 'file_invalid' });
    await expect(flow.uploadFile(secret, testFile('image/png'), { purpose: 'avatar' })).rejects.toMatchObject({ code: 'invalid_value', param: 'purpose' });
  });

  it('records each upload on the session before storing it, and refuses uploads once the session is processing', async () => {
    const { ledger, flow, secret, session } = await start({
      type: 'id_number',
      provided_details: { first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 }, id_number: '123-45-6789' },
    });
    const file = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'recorded'), { purpose: 'identity_document' });
    expect((await ledger.audit(session.id)).at(-1)).toMatchObject({ type: 'VerificationSessionFileUploaded', changed_fields: ['files'] });
    expect(await ledger.fileStore.stat(file.id, session.id)()).toMatchObject({ right: { id: file.id } });
    await flow.consent(secret, { granted: true });
    await flow.submit(secret);
    await expect(flow.uploadFile(secret, testFile('image/jpeg', undefined, 'late'), { purpose: 'identity_document' })).rejects.toMatchObject({ code: 'session_status_invalid' });
  });

  it('refuses files over the size limit', async () => {
    const { flow, secret } = await start({ type: 'document' }, { maxFileBytes: 64 });
    const big = new Uint8Array(65);
    big.set(testFile('image/jpeg'));
    await expect(flow.uploadFile(secret, big, { purpose: 'identity_document' })).rejects.toMatchObject({ code: 'file_too_large', param: 'data' });
  });

  it('refuses a document whose file does not exist', async () => {
    const { flow, secret } = await start();
    await expect(flow.provideDocument(secret, { ...validDocument, front: 'file_0000000000000000000000000000000000000000' })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'front',
    });
  });
});

describe('inputs and submission', () => {
  it('names every missing input, then submits once they are all there', async () => {
    const { ledger, flow, secret, session } = await start({ type: 'document', options: { document: { require_id_number: true } } });
    await expect(flow.submit(secret)).rejects.toMatchObject({ code: 'verification_inputs_missing', param: 'consent' });
    expect((await flow.retrieve(secret)).missing).toEqual(['consent', 'document', 'id_number']);
    const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'inputs'), { purpose: 'identity_document' });
    await flow.provideDocument(secret, { ...validDocument, front: front.id });
    await flow.provideIdNumber(secret, { id_number: '123-45-6789' });
    await flow.consent(secret, { granted: true });
    await expect(flow.submit(secret)).resolves.toMatchObject({ status: 'processing', missing: [] });
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('verified');
  });

  it('refuses a declared ID-number type that the value does not fit, and infers it otherwise', async () => {
    const { flow, secret } = await start({ type: 'id_number' });
    await expect(flow.provideIdNumber(secret, { id_number: '123-45-6789', id_number_type: 'br_cpf' })).rejects.toMatchObject({ code: 'invalid_value', param: 'id_number' });
    await expect(flow.provideIdNumber(secret, { id_number: 'ABC' })).rejects.toMatchObject({ code: 'invalid_value', param: 'id_number' });
    await expect(flow.provideIdNumber(secret, { id_number: 'S1234567D' })).resolves.toMatchObject({ object: 'identity.verification_flow' });
  });

  it('refuses bad document parameters by name, without echoing personal values', async () => {
    const { flow, secret } = await start();
    const error = await flow.provideDocument(secret, { ...validDocument, front: 'file_x', dob: { day: 31, month: 2, year: 1990 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_date', param: 'dob' });
    await expect(flow.provideDocument(secret, { ...validDocument, front: 'file_x', colour: 'red' })).rejects.toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    // Alpha-2 codes only (and ICAO's specimen state UTO): a three-letter code is refused here, not recorded.
    await expect(flow.provideDocument(secret, { ...validDocument, front: 'file_x', issuing_country: 'DEU' })).rejects.toMatchObject({ code: 'invalid_value', param: 'issuing_country' });
  });

  it('records declined consent as consent_declined, with a fresh secret', async () => {
    const { ledger, flow, secret, session } = await start();
    await flow.consent(secret, { granted: false });
    const after = await ledger.identity.verificationSessions.retrieve(session.id);
    expect(after).toMatchObject({ status: 'requires_input', last_error: { code: 'consent_declined' }, last_verification_report: null });
    expect(after.client_secret).not.toBe(secret);
  });

  it('leaves test-helper submissions on the explicit-outcome verifier', async () => {
    const { ledger, session } = await start();
    await ledger.testHelpers.identity.verificationSessions.submit(session.id);
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('verified');
  });
});
