import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityLedger, type IdentityLedger } from '@idledger/core';

/**
 * Every code example of the original description, run against the library with
 * `createIdentityLedger` in place of `stripe`, asserting the outcome the description gives.
 * Where the description and Stripe differ, Stripe's behaviour wins (docs/api.md, "Differences").
 */

let ledger: IdentityLedger;
let stripe: IdentityLedger;

beforeEach(async () => {
  ledger = await createIdentityLedger({ simulatedDelayMs: 5 });
  stripe = ledger;
});
afterEach(async () => {
  await ledger.close();
});

const documentVerification = () =>
  stripe.identity.verificationSessions.create({
    type: 'document',
    options: {
      document: {
        allowed_types: ['driving_license', 'passport', 'id_card'],
        require_id_number: true,
        require_live_capture: true,
        require_matching_selfie: true,
      },
    },
    return_url: 'https://example.com/verify/return',
  });

describe('Identity.VerificationSessions', () => {
  it('creates a document verification session', async () => {
    const session = await documentVerification();
    expect(session).toMatchObject({
      object: 'identity.verification_session',
      status: 'requires_input',
      type: 'document',
      last_error: null,
      last_verification_report: null,
      redaction: null,
      metadata: {},
      options: {
        document: {
          allowed_types: ['driving_license', 'passport', 'id_card'],
          require_id_number: true,
          require_live_capture: true,
          require_matching_selfie: true,
        },
      },
    });
    expect(session.id).toMatch(/^vs_[0-9A-Za-z]{24}$/);
    expect(session.client_secret).toMatch(new RegExp(`^${session.id}_secret_test_`));
    expect(session.url).toMatch(/^https?:\/\//);
    expect(session.expires).toBe(session.created + 48 * 3600);
    expect(session).not.toHaveProperty('return_url');
  });

  it('creates a verification for an existing customer, and refuses an unknown one', async () => {
    const customer = await stripe.customers.create({ email: 'customer@example.com' });
    const customerSession = await stripe.identity.verificationSessions.create({
      type: 'document',
      related_customer: customer.id,
      options: { document: { allowed_types: ['passport'], require_matching_selfie: true } },
      metadata: { purpose: 'account_onboarding', user_id: 'user_456' },
      return_url: 'https://example.com/onboarding/complete',
    });
    expect(customerSession.related_customer).toBe(customer.id);
    expect(customerSession.metadata).toEqual({ purpose: 'account_onboarding', user_id: 'user_456' });

    await expect(
      stripe.identity.verificationSessions.create({ type: 'document', related_customer: 'cus_123' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'related_customer', message: "No such customer: 'cus_123'" });
  });

  it('creates an ID number verification with provided details that never show on the object', async () => {
    const idSession = await stripe.identity.verificationSessions.create({
      type: 'id_number',
      options: { id_number: {} },
      provided_details: { first_name: 'John', last_name: 'Doe', dob: { day: 1, month: 1, year: 1990 }, id_number: '123-45-6789' },
      return_url: 'https://example.com/verify/complete',
    });
    expect(idSession).toMatchObject({ type: 'id_number', status: 'requires_input', options: {}, provided_details: null });
    expect(JSON.stringify(idSession)).not.toContain('Doe');
    expect(JSON.stringify(idSession)).not.toContain('6789');
  });

  it('retrieves, updates, lists, cancels and redacts', async () => {
    const session = await documentVerification();
    const retrieved = await stripe.identity.verificationSessions.retrieve(session.id);
    expect(retrieved).toEqual(session);

    const updated = await stripe.identity.verificationSessions.update(session.id, { metadata: { internal_id: 'verification_789' } });
    expect(updated.metadata).toEqual({ internal_id: 'verification_789' });

    await stripe.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    const other = await documentVerification();
    const sessions = await stripe.identity.verificationSessions.list({ status: 'verified', limit: 10 });
    expect(sessions).toMatchObject({ object: 'list', has_more: false, url: '/v1/identity/verification_sessions' });
    expect(sessions.data.map((s) => s.id)).toEqual([session.id]);

    const canceled = await stripe.identity.verificationSessions.cancel(other.id);
    expect(canceled).toMatchObject({ status: 'canceled', client_secret: null, url: null, last_error: null });

    const redacted = await stripe.identity.verificationSessions.redact(session.id);
    expect(redacted.redaction).toEqual({ status: 'processing' });
    expect(redacted.metadata).toEqual({});
    await ledger.whenIdle();
    expect((await stripe.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
  });
});

describe('Identity.VerificationReports', () => {
  it('retrieves and lists the reports of a session', async () => {
    const session = await documentVerification();
    await stripe.testHelpers.identity.verificationSessions.unverify(session.id, { last_error: { code: 'document_expired' } });
    await ledger.whenIdle();
    await stripe.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();

    const verified = await stripe.identity.verificationSessions.retrieve(session.id);
    const report = await stripe.identity.verificationReports.retrieve(verified.last_verification_report as string);
    expect(report).toMatchObject({
      object: 'identity.verification_report',
      type: 'document',
      verification_session: session.id,
      document: { status: 'verified', error: null },
      selfie: { status: 'verified' },
      id_number: { status: 'verified', id_number_type: 'us_ssn' },
    });
    expect(report.id).toMatch(/^vr_/);

    const reports = await stripe.identity.verificationReports.list({ verification_session: session.id, limit: 10 });
    expect(reports.data.map((r) => r.id)).toEqual([report.id, expect.stringMatching(/^vr_/)]);
    expect(reports.data[1]).toMatchObject({ document: { status: 'unverified', error: { code: 'document_expired', reason: 'The document is expired.' } } });
  });
});

describe('Verification flows', () => {
  it('document verification: the URL to redirect to, then verified outputs through an expanded retrieve', async () => {
    const documentSession = await stripe.identity.verificationSessions.create({
      type: 'document',
      options: { document: { allowed_types: ['driving_license', 'passport'], require_id_number: true, require_live_capture: true, require_matching_selfie: true } },
      return_url: 'https://example.com/return/{VERIFICATION_SESSION_ID}',
    });
    const verificationUrl = documentSession.url;
    expect(verificationUrl).toEqual(expect.any(String));

    await stripe.testHelpers.identity.verificationSessions.verify(documentSession.id);
    await ledger.whenIdle();
    // Stripe's events carry no verified_outputs; the handler retrieves with the expansion instead.
    const session = await stripe.identity.verificationSessions.retrieve(documentSession.id, { expand: ['verified_outputs', 'verified_outputs.dob'] });
    const verifiedData = session.verified_outputs!;
    expect(`${verifiedData.first_name} ${verifiedData.last_name}`).toBe('Jenny Rosen');
    expect(verifiedData.dob).toEqual({ day: 15, month: 6, year: 1985 });
    expect(verifiedData.address).toMatchObject({ country: 'US', city: 'San Francisco' });
  });

  it('a failed attempt leaves requires_input with last_error, and a fresh url for the retry', async () => {
    const session = await documentVerification();
    await stripe.testHelpers.identity.verificationSessions.unverify(session.id, { last_error: { code: 'selfie_face_mismatch' } });
    await ledger.whenIdle();
    const retried = await stripe.identity.verificationSessions.retrieve(session.id);
    expect(retried.status).toBe('requires_input');
    expect(retried.last_error).toEqual({ code: 'selfie_face_mismatch', reason: expect.any(String) });
    expect(retried.url).not.toBe(session.url);
    expect(retried.client_secret).not.toBe(session.client_secret);
  });

  // In test mode no check really runs (as in Stripe's test mode): the submission is verified with the provided details.
  it('programmatic ID verification: created in requires_input, processing after submit, then verified', async () => {
    const idVerification = await stripe.identity.verificationSessions.create({
      type: 'id_number',
      provided_details: { first_name: 'Jane', last_name: 'Smith', dob: { day: 15, month: 6, year: 1985 }, id_number: '987-65-4321' },
      options: { id_number: {} },
    });
    expect(idVerification.status).toBe('requires_input');
    const processing = await stripe.testHelpers.identity.verificationSessions.submit(idVerification.id);
    expect(processing.status).toBe('processing');
    await ledger.whenIdle();
    const verified = await stripe.identity.verificationSessions.retrieve(idVerification.id, {
      expand: ['verified_outputs', 'verified_outputs.id_number'],
    });
    expect(verified.status).toBe('verified');
    expect(verified.verified_outputs).toMatchObject({ first_name: 'Jane', last_name: 'Smith', id_number: '987-65-4321', id_number_type: 'us_ssn' });
  });
});

describe('Advanced usage', () => {
  it('customer onboarding: the customer is updated once the session is verified', async () => {
    const customer = await stripe.customers.create({ email: 'customer@example.com', metadata: { verification_status: 'pending' } });
    const verificationSession = await stripe.identity.verificationSessions.create({
      type: 'document',
      related_customer: customer.id,
      options: { document: { allowed_types: ['passport', 'driving_license'], require_matching_selfie: true } },
      return_url: `https://example.com/onboard/complete?customer=${customer.id}`,
    });

    async function handleVerificationComplete(sessionId: string) {
      const session = await stripe.identity.verificationSessions.retrieve(sessionId);
      if (session.status === 'verified' && session.related_customer) {
        await stripe.customers.update(session.related_customer, {
          metadata: { verification_status: 'verified', verification_session: sessionId },
        });
      }
    }

    await handleVerificationComplete(verificationSession.id);
    expect((await stripe.customers.retrieve(customer.id)).metadata.verification_status).toBe('pending');

    await stripe.testHelpers.identity.verificationSessions.verify(verificationSession.id);
    await ledger.whenIdle();
    await handleVerificationComplete(verificationSession.id);
    expect((await stripe.customers.retrieve(customer.id)).metadata).toEqual({
      verification_status: 'verified',
      verification_session: verificationSession.id,
    });
  });

  it('compliance: redact, then list the last 30 days for audit', async () => {
    const kept = await documentVerification();
    const toRedact = await stripe.identity.verificationSessions.create({ type: 'document', metadata: { user_id: 'user_456' } });
    const redactedSession = await stripe.identity.verificationSessions.redact(toRedact.id);
    expect(redactedSession).toMatchObject({ status: 'canceled', redaction: { status: 'processing' }, metadata: {} });

    const auditReport = await stripe.identity.verificationSessions.list({
      created: { gte: Math.floor(Date.now() / 1000) - 30 * 24 * 60 * 60 },
      limit: 100,
    });
    const lines: Array<string> = [];
    auditReport.data.forEach((session) => {
      lines.push(`Session ${session.id}: ${session.status} - ${new Date(session.created * 1000).toISOString()}`);
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`${toRedact.id}: canceled`);
    expect(lines[1]).toContain(`${kept.id}: requires_input`);
  });
});
