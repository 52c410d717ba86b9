import * as fc from 'fast-check';
import { createIdentityLedger, type IdentityLedger } from '@idledger/core';
import { createIdentityServer, startWebhooks, type IdentityServer, type Webhooks } from '@idledger/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_KEY, TEST_KEY } from './support.js';

/**
 * Every endpoint, fed malformed requests: bracket soup, wrong kinds, empty and oversized values,
 * broken percent-escapes, odd ids and headers. Whatever arrives, the answer is a Stripe error
 * with a 4xx status (or a success), never a 500; a parameter error names its parameter.
 */

const ROUTES: ReadonlyArray<readonly ['GET' | 'POST' | 'DELETE', string]> = [
  ['POST', '/v1/identity/verification_sessions'],
  ['GET', '/v1/identity/verification_sessions'],
  ['GET', '/v1/identity/verification_sessions/:id'],
  ['POST', '/v1/identity/verification_sessions/:id'],
  ['POST', '/v1/identity/verification_sessions/:id/cancel'],
  ['POST', '/v1/identity/verification_sessions/:id/redact'],
  ['GET', '/v1/identity/verification_reports'],
  ['GET', '/v1/identity/verification_reports/:id'],
  ['POST', '/v1/customers'],
  ['GET', '/v1/customers'],
  ['GET', '/v1/customers/:id'],
  ['POST', '/v1/customers/:id'],
  ['POST', '/v1/test_helpers/identity/verification_sessions/:id/submit'],
  ['POST', '/v1/test_helpers/identity/verification_sessions/:id/verify'],
  ['POST', '/v1/test_helpers/identity/verification_sessions/:id/unverify'],
  ['POST', '/v1/webhook_endpoints'],
  ['GET', '/v1/webhook_endpoints'],
  ['GET', '/v1/webhook_endpoints/:id'],
  ['POST', '/v1/webhook_endpoints/:id'],
  ['DELETE', '/v1/webhook_endpoints/:id'],
  ['GET', '/v1/events'],
  ['GET', '/v1/events/:id'],
];

/** Errors about the state of an object or a request as a whole, which no single parameter caused. */
const NOT_ABOUT_A_PARAMETER = new Set(['session_status_invalid', 'session_redacted', 'livemode_mismatch', 'idempotency_key_reused', 'idempotency_key_in_use']);

const NAMES = [
  'type', 'options', 'document', 'allowed_types', 'require_matching_selfie', 'metadata', 'expand', 'limit', 'created', 'gte', 'lt',
  'url', 'enabled_events', 'last_error', 'code', 'simulate_delay', 'email', 'name', 'provided_details', 'phone', 'related_customer',
  'return_url', 'client_reference_id', 'starting_after', 'ending_before', 'status', 'disabled', 'description', 'types',
  'delivery_success', 'verification_session', 'related_person', 'account', 'client_secret', '0', '',
];

const VALUES = fc.oneof(
  fc.constantFrom('', 'true', 'false', '0', '-1', '101', '1e400', 'NaN', 'document', 'id_number', 'passport', '*', 'https://example.com/x',
    'identity.verification_session.created', 'data.verified_outputs', 'verified_outputs', 'document_expired', 'abandoned', 'vs_x', 'cus_x',
    '%', '%E0%A4%A', '%00', '[', ']', '[]', '+', '=', '&'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.nat({ max: 6000 }).map((length) => 'x'.repeat(length)),
);

const KEY = fc
  .tuple(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 8 })), fc.array(fc.oneof(fc.constantFrom(...NAMES), fc.nat({ max: 120 }).map(String), fc.constant('')), { maxLength: 10 }))
  .map(([name, path]) => `${name}${path.map((segment) => `[${segment}]`).join('')}`);

const encodePart = (text: string, raw: boolean) => (raw ? text : encodeURIComponent(text));

const FORM = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.tuple(KEY, VALUES, fc.boolean()), { maxLength: 12 }).map((pairs) => pairs.map(([key, value, raw]) => `${encodePart(key, raw)}=${encodePart(value, raw)}`).join('&')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.nat({ max: 1200 }).map((count) => Array.from({ length: count }, (_, index) => `expand[]=p${index}`).join('&')) },
);

const ID = (real: ReadonlyArray<string>) =>
  fc.oneof(
    fc.constantFrom(...real),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom('%', '%ZZ', 'vs_%E0%A4%A', '..', 'x'.repeat(6000)),
  );

const HEADERS = fc.record(
  {
    'Content-Type': fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''),
    'Idempotency-Key': fc.oneof(fc.string({ maxLength: 300 }).filter((key) => /^[\x21-\x7e]*$/.test(key) && key.length > 0), fc.constant('k'.repeat(256))),
    Authorization: fc.constantFrom(`Bearer ${TEST_KEY}`, `Bearer ${LIVE_KEY}`, 'Bearer sk_test_nope', 'Basic !!!', 'Bearer'),
  },
  { requiredKeys: ['Authorization'] },
);

let ledger: IdentityLedger;
let webhooks: Webhooks;
let server: IdentityServer;
/** The end user's side, authorized by a session's client_secret; fuzzed with and without a real one. */
const END_USER_ROUTES: ReadonlyArray<readonly ['GET' | 'POST', string]> = [
  ['GET', '/v1/identity/verification_flow'],
  ['POST', '/v1/identity/verification_flow/files'],
  ['POST', '/v1/identity/verification_flow/document'],
  ['POST', '/v1/identity/verification_flow/selfie'],
  ['POST', '/v1/identity/verification_flow/id_number'],
  ['POST', '/v1/identity/verification_flow/consent'],
  ['POST', '/v1/identity/verification_flow/submit'],
];

let base: string;
const realIds: string[] = [];
let clientSecret = '';

beforeAll(async () => {
  ledger = await createIdentityLedger({ simulatedDelayMs: 1 });
  webhooks = await startWebhooks({ ledger, retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
  server = createIdentityServer({ ledger, apiKeys: [TEST_KEY, LIVE_KEY], routes: webhooks.routes, maxBodyBytes: 64 * 1024 });
  base = `http://127.0.0.1:${(await server.listen(0)).port}`;
  const session = await ledger.identity.verificationSessions.create({ type: 'document' }, { apiKey: TEST_KEY });
  const verified = await ledger.identity.verificationSessions.create({ type: 'document' }, { apiKey: TEST_KEY });
  await ledger.testHelpers.identity.verificationSessions.verify(verified.id, {}, { apiKey: TEST_KEY });
  await ledger.whenIdle();
  const customer = await ledger.customers.create({}, { apiKey: TEST_KEY });
  const report = (await ledger.identity.verificationReports.list({}, { apiKey: TEST_KEY })).data[0]!;
  realIds.push(session.id, verified.id, customer.id, report.id);
  clientSecret = session.client_secret!;
});
afterAll(async () => {
  await server.close();
  await webhooks.stop();
  await ledger.close();
});

describe('malformed requests to every endpoint', () => {
  it.each(ROUTES)('%s %s answers a Stripe error below 500, naming the parameter', async (method, pattern) => {
    await fc.assert(
      fc.asyncProperty(FORM, FORM, ID(realIds), HEADERS, async (query, body, id, headers) => {
        const path = pattern.replace(':id', id);
        const response = await fetch(`${base}${path}${query === '' ? '' : `?${query}`}`, {
          method,
          headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>,
          ...(method === 'GET' ? {} : { body }),
        });
        const text = await response.text();
        expect(response.status, text).toBeLessThan(500);
        expect(response.headers.get('request-id')).toMatch(/^req_/);
        const parsed = JSON.parse(text) as { error?: { type: string; code: string; message: string; param?: string } };
        if (response.status >= 400) {
          expect(parsed.error?.type).toMatch(/^(invalid_request_error|idempotency_error)$/);
          expect(parsed.error?.message).toEqual(expect.any(String));
          if (response.status === 400 && !NOT_ABOUT_A_PARAMETER.has(parsed.error!.code)) expect(parsed.error?.param, text).toEqual(expect.any(String));
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});

describe('malformed requests to every end-user endpoint', () => {
  it.each(END_USER_ROUTES)('%s %s answers a Stripe error below 500', async (method, path) => {
    await fc.assert(
      fc.asyncProperty(FORM, FORM, fc.boolean(), HEADERS, async (query, body, withSecret, headers) => {
        const secret = withSecret ? `client_secret=${encodeURIComponent(clientSecret)}` : '';
        const fullQuery = [secret, query].filter((part) => part !== '').join('&');
        const response = await fetch(`${base}${path}${fullQuery === '' ? '' : `?${fullQuery}`}`, {
          method,
          headers: Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>,
          ...(method === 'GET' ? {} : { body }),
        });
        const text = await response.text();
        expect(response.status, text).toBeLessThan(500);
        expect(response.headers.get('request-id')).toMatch(/^req_/);
        const parsed = JSON.parse(text) as { error?: { type: string; message: string } };
        if (response.status >= 400) {
          expect(parsed.error?.type).toMatch(/^(invalid_request_error|idempotency_error)$/);
          expect(parsed.error?.message).toEqual(expect.any(String));
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
