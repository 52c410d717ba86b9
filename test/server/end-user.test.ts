import { testFile } from '@idledger/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, TEST_KEY, type RunningServer } from './support.js';

/**
 * The end user's side of the hosted flow over HTTP: the verification page holds nothing but the
 * session's client_secret; the backend holds the secret key and uses the official SDK.
 */

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const FLOW = '/v1/identity/verification_flow';

const endUser = (base: string, clientSecret: string) => ({
  get: () => fetch(`${base}${FLOW}?client_secret=${encodeURIComponent(clientSecret)}`),
  post: (path: string, form: Record<string, string>) =>
    fetch(`${base}${FLOW}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_secret: clientSecret, ...form }).toString(),
    }),
  upload: (bytes: Uint8Array, purpose: string, contentType = 'image/jpeg') =>
    fetch(`${base}${FLOW}/files?client_secret=${encodeURIComponent(clientSecret)}&purpose=${purpose}`, { method: 'POST', headers: { 'Content-Type': contentType }, body: bytes }),
});

describe('the end-user flow over HTTP', () => {
  it('uploads, provides, consents and submits with the client_secret alone; the backend sees the verified session', async () => {
    running = await startServer();
    const stripe = running.stripe();
    const session = await stripe.identity.verificationSessions.create({ type: 'document', options: { document: { require_matching_selfie: true } } });
    const user = endUser(running.baseUrl, session.client_secret!);

    const missing = (await (await user.get()).json()) as { object: string; missing: Array<string> };
    expect(missing.object).toBe('identity.verification_flow');
    expect(missing.missing.length).toBeGreaterThan(0);

    const front = (await (await user.upload(testFile('image/jpeg'), 'identity_document')).json()) as { id: string };
    expect(front.id).toMatch(/^file_/);
    const selfie = (await (await user.upload(testFile('image/png'), 'selfie', 'image/png')).json()) as { id: string };
    const document = await user.post('/document', {
      type: 'driving_license',
      issuing_country: 'US',
      front: front.id,
      live_capture: 'true',
      first_name: 'Jenny',
      last_name: 'Rosen',
      'dob[day]': '15',
      'dob[month]': '6',
      'dob[year]': '1985',
      number: 'D1234567',
      'expiration_date[day]': '1',
      'expiration_date[month]': '1',
      'expiration_date[year]': '2035',
    });
    expect(document.status).toBe(200);
    expect((await user.post('/selfie', { selfie: selfie.id, live_capture: 'true' })).status).toBe(200);
    expect((await user.post('/consent', { granted: 'true' })).status).toBe(200);
    const submitted = await user.post('/submit', {});
    expect(submitted.status).toBe(200);
    expect(((await submitted.json()) as { status: string }).status).toBe('processing');

    await running.ledger.whenIdle();
    const verified = await stripe.identity.verificationSessions.retrieve(session.id, { expand: ['verified_outputs'] });
    expect(verified.status).toBe('verified');
    expect(verified.verified_outputs).toMatchObject({ first_name: 'Jenny', last_name: 'Rosen' });
  });

  it('names what is wrong: no or a wrong client_secret, a secret key instead, a missing file, bad parameters', async () => {
    running = await startServer();
    const session = await running.stripe().identity.verificationSessions.create({ type: 'document' });
    const user = endUser(running.baseUrl, session.client_secret!);

    const noSecret = await fetch(`${running.baseUrl}${FLOW}`, { headers: { Authorization: `Bearer ${TEST_KEY}` } });
    expect(noSecret.status).toBe(401);
    expect(((await noSecret.json()) as { error: { param: string } }).error.param).toBe('client_secret');

    const forged = endUser(running.baseUrl, `${session.id}_secret_${'x'.repeat(24)}`);
    const refused = await forged.get();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);

    const empty = await user.upload(new Uint8Array(), 'identity_document');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { param: string } }).error.param).toBe('file');
    const notAnImage = await user.upload(new TextEncoder().encode('hello'), 'identity_document', 'text/plain');
    expect(notAnImage.status).toBe(400);

    const badDocument = await user.post('/document', { type: 'library_card', issuing_country: 'US', front: 'file_x' });
    expect(badDocument.status).toBe(400);
    expect(((await badDocument.json()) as { error: { param: string } }).error.param).toBe('type');

    const early = await user.post('/submit', {});
    expect(early.status).toBe(400);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('verification_inputs_missing');
  });

  it('refuses an upload under a forged client_secret before reading its body', async () => {
    running = await startServer({ maxUploadBytes: 1024 });
    const session = await running.stripe().identity.verificationSessions.create({ type: 'document' });
    const forged = endUser(running.baseUrl, `${session.id}_secret_test_${'x'.repeat(32)}`);
    const response = await forged.upload(new Uint8Array(4096), 'identity_document');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).not.toBe(413);
    expect(response.status).toBeLessThan(500);
  });

  it('refuses an upload over the limit with a 413', async () => {
    running = await startServer({ maxUploadBytes: 1024 });
    const session = await running.stripe().identity.verificationSessions.create({ type: 'document' });
    const response = await endUser(running.baseUrl, session.client_secret!).upload(new Uint8Array(4096), 'identity_document');
    expect(response.status).toBe(413);
  });
});
