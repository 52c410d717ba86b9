import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { LIVE_KEY, TEST_KEY, lossyProxy, startServer, type RunningServer } from './support.js';

/**
 * The seed's flows, written against the official `stripe` package as an integrator writes them,
 * with only the host pointed at the server. Stripe has no Identity test helpers in its SDK, so
 * the tests reach idledger's with `rawRequest`, as any unlisted endpoint is reached.
 */

let running: RunningServer;
let stripe: Stripe;

beforeEach(async () => {
  running = await startServer();
  stripe = running.stripe();
});
afterEach(async () => {
  await running.stop();
});

const testHelper = (action: 'verify' | 'unverify' | 'submit', id: string, params: Record<string, unknown> = {}) =>
  stripe.rawRequest('POST', `/v1/test_helpers/identity/verification_sessions/${id}/${action}`, params);

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

describe('verification sessions through the stripe package', () => {
  it('creates a document verification session', async () => {
    const session = await documentVerification();
    expect(session).toMatchObject({
      object: 'identity.verification_session',
      status: 'requires_input',
      type: 'document',
      livemode: false,
      last_error: null,
      options: { document: { allowed_types: ['driving_license', 'passport', 'id_card'], require_matching_selfie: true } },
    });
    expect(session.id).toMatch(/^vs_[0-9A-Za-z]{24}$/);
    expect(session.client_secret).toMatch(new RegExp(`^${session.id}_secret_test_`));
    expect(session.lastResponse.requestId).toMatch(/^req_/);
    expect(session).not.toHaveProperty('verified_outputs');
  });

  it('creates a session for an existing customer, and refuses an unknown one with the SDK error class', async () => {
    const customer = await stripe.customers.create({ email: 'customer@example.com' });
    const session = await stripe.identity.verificationSessions.create({
      type: 'document',
      related_customer: customer.id,
      options: { document: { allowed_types: ['passport'], require_matching_selfie: true } },
      metadata: { purpose: 'account_onboarding', user_id: 'user_456' },
    });
    expect(session.related_customer).toBe(customer.id);
    expect(session.metadata).toEqual({ purpose: 'account_onboarding', user_id: 'user_456' });

    const refused = await stripe.identity.verificationSessions.create({ type: 'document', related_customer: 'cus_123' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'related_customer', rawType: 'invalid_request_error' });
    expect((refused as Stripe.errors.StripeError).requestId).toMatch(/^req_/);
  });

  it('retrieves, updates, lists, cancels and redacts', async () => {
    const session = await documentVerification();
    const retrieved = await stripe.identity.verificationSessions.retrieve(session.id);
    expect(retrieved.id).toBe(session.id);
    const updated = await stripe.identity.verificationSessions.update(session.id, { metadata: { internal_id: 'verification_789' } });
    expect(updated.metadata).toEqual({ internal_id: 'verification_789' });

    await testHelper('verify', session.id);
    await running.ledger.whenIdle();
    const other = await documentVerification();
    const verified = await stripe.identity.verificationSessions.list({ status: 'verified', limit: 10 });
    expect(verified).toMatchObject({ object: 'list', has_more: false, url: '/v1/identity/verification_sessions' });
    expect(verified.data.map((s) => s.id)).toEqual([session.id]);

    const canceled = await stripe.identity.verificationSessions.cancel(other.id);
    expect(canceled).toMatchObject({ status: 'canceled', client_secret: null, url: null });

    const redacted = await stripe.identity.verificationSessions.redact(session.id);
    expect(redacted.redaction).toEqual({ status: 'processing' });
    await running.ledger.whenIdle();
    expect((await stripe.identity.verificationSessions.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
  });

  it('verified outputs appear only when expanded, sensitive fields only with their own path', async () => {
    const session = await documentVerification();
    await testHelper('verify', session.id);
    await running.ledger.whenIdle();
    const plain = await stripe.identity.verificationSessions.retrieve(session.id);
    expect(plain).not.toHaveProperty('verified_outputs');
    const expanded = await stripe.identity.verificationSessions.retrieve(session.id, { expand: ['verified_outputs', 'verified_outputs.dob'] });
    expect(expanded.verified_outputs).toMatchObject({ first_name: 'Jenny', last_name: 'Rosen', dob: { day: 15, month: 6, year: 1985 } });
    expect(expanded.verified_outputs).not.toHaveProperty('id_number');
    const withReport = await stripe.identity.verificationSessions.retrieve(session.id, { expand: ['last_verification_report'] });
    expect(withReport.last_verification_report).toMatchObject({ object: 'identity.verification_report', verification_session: session.id });
    const listed = await stripe.identity.verificationSessions.list({ expand: ['data.verified_outputs'], limit: 1 });
    expect(listed.data[0]?.verified_outputs).toMatchObject({ first_name: 'Jenny' });
  });

  it('a programmatic ID-number verification: provided details never show, processing after submit, then verified', async () => {
    // idledger also takes the identity to check in provided_details (docs/api.md); Stripe's types only know email and phone.
    const providedDetails = { first_name: 'Jane', last_name: 'Smith', dob: { day: 15, month: 6, year: 1985 }, id_number: '987-65-4321' };
    const session = await stripe.identity.verificationSessions.create({
      type: 'id_number',
      provided_details: providedDetails as Stripe.Identity.VerificationSessionCreateParams.ProvidedDetails,
    });
    expect(session).toMatchObject({ status: 'requires_input', provided_details: null });
    expect(JSON.stringify(session)).not.toContain('Smith');
    const processing = await testHelper('submit', session.id);
    expect(processing.status).toBe('processing');
    await running.ledger.whenIdle();
    const verified = await stripe.identity.verificationSessions.retrieve(session.id, { expand: ['verified_outputs', 'verified_outputs.id_number'] });
    expect(verified.status).toBe('verified');
    expect(verified.verified_outputs).toMatchObject({ first_name: 'Jane', last_name: 'Smith', id_number: '987-65-4321', id_number_type: 'us_ssn' });
  });

  it('compliance: redact, then list the last 30 days for audit', async () => {
    const kept = await documentVerification();
    const toRedact = await stripe.identity.verificationSessions.create({ type: 'document', metadata: { user_id: 'user_456' } });
    const redacted = await stripe.identity.verificationSessions.redact(toRedact.id);
    expect(redacted).toMatchObject({ status: 'canceled', redaction: { status: 'processing' }, metadata: {} });
    const auditReport = await stripe.identity.verificationSessions.list({ created: { gte: Math.floor(Date.now() / 1000) - 30 * 24 * 60 * 60 }, limit: 100 });
    expect(auditReport.data.map((s) => `${s.id}: ${s.status}`)).toEqual([`${toRedact.id}: canceled`, `${kept.id}: requires_input`]);
  });
});

describe('verification reports through the stripe package', () => {
  it('retrieves and lists the reports of a session', async () => {
    const session = await documentVerification();
    await testHelper('unverify', session.id, { last_error: { code: 'document_expired' } });
    await running.ledger.whenIdle();
    const failed = await stripe.identity.verificationSessions.retrieve(session.id);
    expect(failed.last_error).toEqual({ code: 'document_expired', reason: 'The document is expired.' });
    await testHelper('verify', session.id);
    await running.ledger.whenIdle();

    const verified = await stripe.identity.verificationSessions.retrieve(session.id);
    const report = await stripe.identity.verificationReports.retrieve(verified.last_verification_report as string);
    expect(report).toMatchObject({ object: 'identity.verification_report', type: 'document', document: { status: 'verified', error: null } });
    const reports = await stripe.identity.verificationReports.list({ verification_session: session.id, limit: 10 });
    expect(reports.data.map((r) => r.id)).toEqual([report.id, expect.stringMatching(/^vr_/)]);
  });
});

describe('customers and the onboarding flow', () => {
  it('updates the customer once the session is verified', async () => {
    const customer = await stripe.customers.create({ email: 'customer@example.com', metadata: { verification_status: 'pending' } });
    const session = await stripe.identity.verificationSessions.create({ type: 'document', related_customer: customer.id });
    await testHelper('verify', session.id);
    await running.ledger.whenIdle();
    const retrieved = await stripe.identity.verificationSessions.retrieve(session.id);
    if (retrieved.status === 'verified' && retrieved.related_customer) {
      await stripe.customers.update(retrieved.related_customer, { metadata: { verification_status: 'verified', verification_session: session.id } });
    }
    const updated = await stripe.customers.retrieve(customer.id);
    expect(updated).toMatchObject({ metadata: { verification_status: 'verified', verification_session: session.id } });
  });
});

describe('pagination', () => {
  it('auto-pagination walks every page, forwards and backwards', async () => {
    const created: string[] = [];
    for (let index = 0; index < 7; index++) created.push((await stripe.identity.verificationSessions.create({ type: 'document' })).id);
    const all = await stripe.identity.verificationSessions.list({ limit: 3 }).autoPagingToArray({ limit: 100 });
    expect(all.map((s) => s.id)).toEqual([...created].reverse());

    const seen: string[] = [];
    for await (const session of stripe.identity.verificationSessions.list({ limit: 2 })) seen.push(session.id);
    expect(seen).toEqual([...created].reverse());

    const newer: string[] = [];
    await stripe.identity.verificationSessions.list({ limit: 2, ending_before: created[0]! }).autoPagingEach((session) => {
      newer.push(session.id);
    });
    expect(newer).toEqual(created.slice(1));
  });
});

describe('modes, keys and errors', () => {
  it('livemode follows the key, and objects of the other mode do not exist', async () => {
    const live = running.stripe(LIVE_KEY);
    const session = await live.identity.verificationSessions.create({ type: 'document' });
    expect(session.livemode).toBe(true);
    expect(session.client_secret).toMatch(/_secret_live_/);
    const missing = await stripe.identity.verificationSessions.retrieve(session.id).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

  it('a wrong key is a StripeAuthenticationError', async () => {
    const wrong = running.stripe('sk_test_not_configured_0000');
    const error = await wrong.identity.verificationSessions.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error).toMatchObject({ statusCode: 401, code: 'api_key_invalid' });
    expect((error as Error).message).not.toContain('not_configured_0000');
  });

  it('an unknown parameter is refused naming it', async () => {
    const error = await stripe.identity.verificationSessions
      .create({ type: 'document', options: { document: { colour: 'blue' } } } as unknown as Stripe.Identity.VerificationSessionCreateParams)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'options[document][colour]' });
  });
});

describe('idempotency through the stripe package', () => {
  it('a retry with the same key replays the first result', async () => {
    const first = await stripe.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'onboard-user_1' });
    const retry = await stripe.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'onboard-user_1' });
    expect(retry.id).toBe(first.id);
    expect((await stripe.identity.verificationSessions.list()).data).toHaveLength(1);
  });

  it('the same key with other parameters is a StripeIdempotencyError', async () => {
    await stripe.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'onboard-user_2' });
    const error = await stripe.identity.verificationSessions
      .create({ type: 'id_number' }, { idempotencyKey: 'onboard-user_2' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, code: 'idempotency_key_reused', rawType: 'idempotency_error' });
  });

  it("the SDK's own retry after a lost response makes one session, under the key it generated", async () => {
    const proxy = await lossyProxy(running.port, 1);
    try {
      const retrying = new Stripe(TEST_KEY, { host: '127.0.0.1', port: proxy.port, protocol: 'http', telemetry: false, maxNetworkRetries: 2 });
      const created = await retrying.identity.verificationSessions.create({ type: 'document', client_reference_id: 'user_3' });
      expect(created.lastResponse.idempotencyKey).toMatch(/^stripe-node-retry-/);
      const sessions = await stripe.identity.verificationSessions.list();
      expect(sessions.data.map((session) => session.id)).toEqual([created.id]);
    } finally {
      await proxy.close();
    }
  });
});
