import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityLedger, createMemoryEventStore, createMemoryKeyStore, exportAudit, type EventStore, type IdentityLedger } from '@idledger/core';
import { generateSignerKey, parseSignerKey, verifyExport } from '@idledger/integrity';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { constructEvent, createIdentityServer, startWebhooks, type IdentityServer, type Webhooks, type WebhooksConfig } from '@idledger/server';
import Stripe from 'stripe';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LIVE_KEY, TEST_KEY } from './support.js';

/**
 * Webhooks end to end: endpoints made with the stripe package, events derived from the log,
 * deliveries checked with `stripe.webhooks.constructEvent` exactly as a receiver checks them.
 */

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver that records every delivery and answers with `status(n)` for its n-th (0-based). */
const startReceiver = async (status: (n: number) => number | 'hang' = () => 200) => {
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const answer = status(deliveries.length);
      deliveries.push({ headers: request.headers, body });
      if (answer !== 'hang') response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    types: () => deliveries.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type),
    close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
};

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const FAST_RETRIES: Partial<WebhooksConfig> = { retry: { initialDelayMs: 20, maxDelayMs: 80 }, maxAttempts: 4, timeoutMs: 1000 };

const start = async (options: Partial<WebhooksConfig> = {}, existing?: IdentityLedger) => {
  const ledger = existing ?? (await createIdentityLedger({ simulatedDelayMs: 5 }));
  const webhooks: Webhooks = await startWebhooks({ ledger, ...FAST_RETRIES, ...options });
  const server: IdentityServer = createIdentityServer({ ledger, apiKeys: [TEST_KEY, LIVE_KEY], routes: webhooks.routes });
  const { port } = await server.listen(0);
  cleanups.push(async () => {
    await server.close();
    await webhooks.stop();
    if (existing === undefined) await ledger.close();
  });
  const stripe = (key = TEST_KEY) => new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
  return { ledger, webhooks, stripe };
};

const receiver = async (status?: (n: number) => number | 'hang') => {
  const started = await startReceiver(status);
  cleanups.push(started.close);
  return started;
};

const until = async (condition: () => boolean, timeoutMs = 4000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const verifiedWithSdk = (stripe: Stripe, delivery: Delivery, secret: string) =>
  stripe.webhooks.constructEvent(delivery.body, delivery.headers['stripe-signature'] as string, secret) as unknown as Stripe.Event;

describe('webhook endpoints and deliveries', () => {
  it('delivers created, processing and verified, signed so that stripe.webhooks.constructEvent accepts them', async () => {
    const { stripe, ledger, webhooks } = await start();
    const hooks = await receiver();
    const endpoint = await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['*'] });
    expect(endpoint.secret).toMatch(/^whsec_[0-9A-Za-z]{32,}$/);
    expect(await stripe().webhookEndpoints.retrieve(endpoint.id)).not.toHaveProperty('secret');

    const session = await stripe().identity.verificationSessions.create({ type: 'document', metadata: { user_id: 'u_1' } }, { idempotencyKey: 'create-u_1' });
    await stripe().rawRequest('POST', `/v1/test_helpers/identity/verification_sessions/${session.id}/verify`, {});
    await ledger.whenIdle();
    await until(() => hooks.deliveries.length === 3);

    const events = hooks.deliveries.map((delivery) => verifiedWithSdk(stripe(), delivery, endpoint.secret!));
    expect(events.map((event) => event.type).sort()).toEqual([
      'identity.verification_session.created',
      'identity.verification_session.processing',
      'identity.verification_session.verified',
    ]);
    const created = events.find((event) => event.type === 'identity.verification_session.created')!;
    expect(created).toMatchObject({ object: 'event', livemode: false, api_version: '2026-10-28.endive', request: { idempotency_key: 'create-u_1' } });
    expect(created.id).toMatch(/^evt_[0-9A-Za-z]{24}$/);
    expect(created.request?.id).toMatch(/^req_/);
    expect(created.data.object).toMatchObject({ id: session.id, status: 'requires_input', client_secret: null, url: null, metadata: { user_id: 'u_1' } });
    const verified = events.find((event) => event.type === 'identity.verification_session.verified')!;
    expect(verified.data.object).toMatchObject({ status: 'verified' });
    expect(verified.data.object).not.toHaveProperty('verified_outputs');
    expect(verified.request).toEqual({ id: null, idempotency_key: null });

    // The same events through the API, once every attempt has been recorded.
    await webhooks.whenIdle();
    const listed = await stripe().events.list({ type: 'identity.verification_session.*' });
    expect(listed.data.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    const retrieved = await stripe().events.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, pending_webhooks: 0, data: { object: { id: session.id } } });
    expect((await stripe().events.list({ type: 'identity.verification_session.verified' })).data).toHaveLength(1);
  });

  it('retries a failing delivery with backoff, signing each attempt afresh, and records every attempt as an event', async () => {
    const { stripe, ledger } = await start();
    const hooks = await receiver((n) => (n < 2 ? 500 : 200));
    const endpoint = await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['identity.verification_session.created'] });
    await stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => hooks.deliveries.length === 3);
    const [first, , third] = hooks.deliveries;
    expect(verifiedWithSdk(stripe(), third!, endpoint.secret!).id).toBe(verifiedWithSdk(stripe(), first!, endpoint.secret!).id);

    const recordedAttempts = async () => {
      const attempts: Array<{ attempt: number; status_code: number | null; succeeded: boolean }> = [];
      for await (const recorded of ledger.store.readAll({ filter: { eventTypes: ['WebhookDeliveryAttempted'] } })) {
        attempts.push(recorded.data as { attempt: number; status_code: number | null; succeeded: boolean });
      }
      return attempts;
    };
    // The receiver has answered the third attempt; its record follows.
    let attempts = await recordedAttempts();
    for (let tries = 0; attempts.length < 3 && tries < 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      attempts = await recordedAttempts();
    }
    expect(attempts.map(({ attempt, status_code, succeeded }) => [attempt, status_code, succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
  });

  it('gives up after the attempt limit, and the event shows it still pending', async () => {
    const { stripe } = await start();
    const hooks = await receiver(() => 503);
    await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['identity.verification_session.created'] });
    await stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => hooks.deliveries.length === 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hooks.deliveries).toHaveLength(4);
    const [event] = (await stripe().events.list({ delivery_success: false })).data;
    expect(event).toMatchObject({ type: 'identity.verification_session.created', pending_webhooks: 1 });
  });

  it('a hanging endpoint never holds back the others', async () => {
    // The stuck endpoint's requests would only time out after 10 s: the healthy one is served long before.
    const { stripe } = await start({ timeoutMs: 10_000 });
    const stuck = await receiver(() => 'hang');
    const healthy = await receiver();
    await stripe().webhookEndpoints.create({ url: stuck.url, enabled_events: ['*'] });
    await stripe().webhookEndpoints.create({ url: healthy.url, enabled_events: ['*'] });
    for (let index = 0; index < 6; index++) await stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => healthy.deliveries.length === 6, 5000);
    expect(stuck.deliveries.length).toBeLessThanOrEqual(4);
  });

  it('redacted reaches only endpoints that name it; an endpoint only hears its own mode', async () => {
    const { stripe, ledger } = await start();
    const everything = await receiver();
    const named = await receiver();
    const live = await receiver();
    await stripe().webhookEndpoints.create({ url: everything.url, enabled_events: ['*'] });
    await stripe().webhookEndpoints.create({ url: named.url, enabled_events: ['identity.verification_session.redacted'] });
    await stripe(LIVE_KEY).webhookEndpoints.create({ url: live.url, enabled_events: ['*'] });
    const session = await stripe().identity.verificationSessions.create({ type: 'document' });
    await stripe().identity.verificationSessions.redact(session.id);
    await ledger.whenIdle();
    await until(() => named.deliveries.length === 1 && everything.deliveries.length === 2);
    expect(named.types()).toEqual(['identity.verification_session.redacted']);
    expect(everything.types().sort()).toEqual(['identity.verification_session.canceled', 'identity.verification_session.created']);
    expect(live.deliveries).toHaveLength(0);
    const redacted = JSON.parse(named.deliveries[0]!.body) as Stripe.Event;
    expect(redacted.data.object).toMatchObject({ id: session.id, redaction: { status: 'redacted' } });
  });

  it('a disabled or deleted endpoint receives nothing; updates and lists go through the stripe package', async () => {
    const { stripe } = await start();
    const hooks = await receiver();
    const endpoint = await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['*'], metadata: { team: 'kyc' }, api_version: '2026-10-28.endive' });
    expect(endpoint).toMatchObject({ api_version: '2026-10-28.endive', status: 'enabled', livemode: false });
    const disabled = await stripe().webhookEndpoints.update(endpoint.id, { disabled: true, description: 'paused' });
    expect(disabled).toMatchObject({ status: 'disabled', description: 'paused', metadata: { team: 'kyc' } });
    await stripe().identity.verificationSessions.create({ type: 'document' });
    expect((await stripe().webhookEndpoints.list()).data.map((listed) => listed.id)).toEqual([endpoint.id]);
    expect(await stripe().webhookEndpoints.del(endpoint.id)).toMatchObject({ id: endpoint.id, deleted: true });
    expect((await stripe().webhookEndpoints.list()).data).toHaveLength(0);
    await expect(stripe().webhookEndpoints.retrieve(endpoint.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hooks.deliveries).toHaveLength(0);
  });

  it('refuses bad endpoint parameters naming them, and replays an idempotent create', async () => {
    const { stripe } = await start();
    await expect(stripe().webhookEndpoints.create({ url: 'ftp://example.com', enabled_events: ['*'] })).rejects.toMatchObject({ code: 'url_invalid', param: 'url' });
    await expect(
      stripe().webhookEndpoints.create({ url: 'https://example.com/hooks', enabled_events: ['charge.succeeded' as never] }),
    ).rejects.toMatchObject({ code: 'invalid_value', param: 'enabled_events[0]' });
    await expect(stripe().webhookEndpoints.create({ enabled_events: ['*'] } as never)).rejects.toMatchObject({ code: 'parameter_missing', param: 'url' });
    const first = await stripe().webhookEndpoints.create({ url: 'https://example.com/hooks', enabled_events: ['*'] }, { idempotencyKey: 'hook-1' });
    const again = await stripe().webhookEndpoints.create({ url: 'https://example.com/hooks', enabled_events: ['*'] }, { idempotencyKey: 'hook-1' });
    expect(again).toMatchObject({ id: first.id, secret: first.secret });
    await expect(stripe().webhookEndpoints.create({ url: 'https://example.com/other', enabled_events: ['*'] }, { idempotencyKey: 'hook-1' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeIdempotencyError,
    );
  });
});

describe('/v1/events', () => {
  it('filters by type, pattern, types[] and delivery_success, pages with the SDK, and hides the other mode', async () => {
    const { stripe, ledger, webhooks } = await start();
    const hooks = await receiver();
    await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['identity.verification_session.canceled'] });
    for (let index = 0; index < 3; index++) {
      const session = await stripe().identity.verificationSessions.create({ type: 'document' });
      await stripe().identity.verificationSessions.cancel(session.id);
    }
    await stripe(LIVE_KEY).identity.verificationSessions.create({ type: 'document' });
    await ledger.whenIdle();
    await until(() => hooks.deliveries.length === 3);

    const all = await stripe().events.list({ limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(all.map((event) => event.type)).toEqual([
      'identity.verification_session.canceled', 'identity.verification_session.created',
      'identity.verification_session.canceled', 'identity.verification_session.created',
      'identity.verification_session.canceled', 'identity.verification_session.created',
    ]);
    expect((await stripe().events.list({ type: 'identity.verification_session.created' })).data).toHaveLength(3);
    expect((await stripe().events.list({ types: ['identity.verification_session.created', 'identity.verification_session.canceled'] })).data).toHaveLength(6);
    await webhooks.whenIdle();
    expect((await stripe().events.list({ delivery_success: true })).data).toHaveLength(6);
    expect((await stripe().events.list({ delivery_success: false })).data).toHaveLength(0);
        expect((await stripe(LIVE_KEY).events.list()).data.map((event) => event.livemode)).toEqual([true]);
    await expect(stripe(LIVE_KEY).events.retrieve(all[0]!.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    await expect(stripe().events.list({ limit: 0 })).rejects.toMatchObject({ param: 'limit' });
  });
});

describe('the outbox', () => {
  it('sends nothing for a change that did not commit', async () => {
    const { stripe } = await start();
    const hooks = await receiver();
    await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['*'] });
    await expect(stripe().identity.verificationSessions.create({ type: 'document', related_customer: 'cus_missing' })).rejects.toThrow();
    const session = await stripe().identity.verificationSessions.create({ type: 'document' });
    await expect(stripe().identity.verificationSessions.cancel('vs_missing')).rejects.toThrow();
    await until(() => hooks.deliveries.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hooks.deliveries).toHaveLength(1);
    expect((JSON.parse(hooks.deliveries[0]!.body) as Stripe.Event).data.object).toMatchObject({ id: session.id });
  });

  it('loses nothing across a restart: what was owed is delivered by the next process, under the same event ids', async () => {
    const ledger = await createIdentityLedger({ simulatedDelayMs: 5 });
    cleanups.push(() => ledger.close());
    const down = await receiver(() => 500);
    const first = await start({ retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 } }, ledger);
    const endpoint = await first.stripe().webhookEndpoints.create({ url: down.url, enabled_events: ['*'] });
    const session = await first.stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => down.deliveries.length === 1);
    await cleanups.pop()!();

    // Committed while no outbox runs: the next one finds it in the log.
    await ledger.identity.verificationSessions.cancel(session.id, {}, { apiKey: TEST_KEY });
    const up = await receiver();
    const second = await start({ retry: { initialDelayMs: 10, maxDelayMs: 10 } }, ledger);
    await second.stripe().webhookEndpoints.update(endpoint.id, { url: up.url });
    await until(() => up.deliveries.length === 2);
    const ids = up.deliveries.map((delivery) => verifiedWithSdk(second.stripe(), delivery, endpoint.secret!).id);
    expect(ids).toContain((JSON.parse(down.deliveries[0]!.body) as Stripe.Event).id);
    expect(up.types().sort()).toEqual(['identity.verification_session.canceled', 'identity.verification_session.created']);
  });
});

describe('the outbox checkpoint', () => {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'idledger-outbox-'));
  afterAll(() => rmSync(checkpointDir, { recursive: true, force: true }));

  /** A memory store that records where each subscription asked to start. */
  const recordingStore = () => {
    const memory = createMemoryEventStore();
    const starts: Array<bigint | 'start'> = [];
    const store: EventStore = {
      ...memory,
      subscribeToAll: (options) => {
        starts.push(options?.from ?? 'start');
        return memory.subscribeToAll(options);
      },
    };
    return { store, starts };
  };

  it('resumes the next process from the saved position, and still owes and sends what was pending', async () => {
    const checkpointFile = join(checkpointDir, 'resume.outbox');
    const { store, starts } = recordingStore();
    const ledger = await createIdentityLedger({ store, keyStore: createMemoryKeyStore(), simulatedDelayMs: 5 });
    cleanups.push(() => ledger.close());
    const down = await receiver(() => 500);
    const first = await start({ retry: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, checkpointFile, checkpointEvery: 1 }, ledger);
    const endpoint = await first.stripe().webhookEndpoints.create({ url: down.url, enabled_events: ['*'] });
    const session = await first.stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => down.deliveries.length === 1);
    await cleanups.pop()!();
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { position: string };

    await ledger.identity.verificationSessions.cancel(session.id, {}, { apiKey: TEST_KEY });
    const up = await receiver();
    const before = starts.length;
    const second = await start({ retry: { initialDelayMs: 10, maxDelayMs: 10 }, checkpointFile }, ledger);
    expect(starts.slice(before)).toContain(BigInt(saved.position));
    await second.stripe().webhookEndpoints.update(endpoint.id, { url: up.url });
    await until(() => up.deliveries.length === 2);
    expect(up.types().sort()).toEqual(['identity.verification_session.canceled', 'identity.verification_session.created']);
    expect((await second.stripe().events.list({ limit: 10 })).data.map((event) => event.type)).toContain('identity.verification_session.created');
  });

  it('ignores a checkpoint of another log (a replaced or restored ledger file)', async () => {
    const checkpointFile = join(checkpointDir, 'other-log.outbox');
    const old = await createIdentityLedger({ simulatedDelayMs: 5 });
    cleanups.push(() => old.close());
    for (let i = 0; i < 3; i++) await old.identity.verificationSessions.create({ type: 'document' }, { apiKey: TEST_KEY });
    const first = await start({ checkpointFile, checkpointEvery: 1 }, old);
    await first.webhooks.stop();

    const errors: Array<unknown> = [];
    const replaced = await createIdentityLedger({ simulatedDelayMs: 5 });
    cleanups.push(() => replaced.close());
    await replaced.identity.verificationSessions.create({ type: 'document' }, { apiKey: TEST_KEY });
    const { stripe } = await start({ checkpointFile, onError: (error) => errors.push(error) }, replaced);
    expect(String(errors[0])).toMatch(/does not belong to this log/);
    expect((await stripe().events.list({ limit: 10 })).data).toHaveLength(1);
  });

  it('ignores an unreadable checkpoint and follows the log from its start', async () => {
    const checkpointFile = join(checkpointDir, 'garbage.outbox');
    writeFileSync(checkpointFile, '{"v": 1, "position": "not a number"');
    const errors: Array<unknown> = [];
    const ledger = await createIdentityLedger({ simulatedDelayMs: 5 });
    cleanups.push(() => ledger.close());
    await ledger.identity.verificationSessions.create({ type: 'document' }, { apiKey: TEST_KEY });
    const { stripe } = await start({ checkpointFile, onError: (error) => errors.push(error) }, ledger);
    expect(String(errors[0])).toMatch(/unreadable/);
    expect((await stripe().events.list({ limit: 10 })).data.map((event) => event.type)).toEqual(['identity.verification_session.created']);
  });
});

describe('failures of the ledger itself', () => {
  it('an attempt that cannot be recorded is held back and tried again, never spun on', async () => {
    const memory = createMemoryEventStore();
    let storeDown = true;
    const store: EventStore = {
      ...memory,
      appendToStream: (stream, events, options) =>
        storeDown && stream.startsWith('webhook_delivery-') ? TE.left({ _tag: 'Unavailable', reason: 'disk full' }) : memory.appendToStream(stream, events, options),
    };
    const ledger = await createIdentityLedger({ store, keyStore: createMemoryKeyStore() });
    cleanups.push(() => ledger.close());
    const errors: unknown[] = [];
    const { stripe, webhooks } = await start({ retry: { initialDelayMs: 100, maxDelayMs: 100 }, onError: (error) => errors.push(error) }, ledger);
    const hooks = await receiver();
    await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['identity.verification_session.created'] });
    const session = await stripe().identity.verificationSessions.create({ type: 'document' });
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Sent, not recorded, held back 100 ms, sent again: at most seven times in 600 ms, not hundreds.
    expect(hooks.deliveries.length).toBeGreaterThanOrEqual(2);
    expect(hooks.deliveries.length).toBeLessThanOrEqual(7);
    expect(errors.length).toBe(hooks.deliveries.length);
    expect(String(errors[0])).toContain('could not be recorded');

    storeDown = false;
    await until(() => hooks.deliveries.length > 0 && errors.length < hooks.deliveries.length);
    await webhooks.whenIdle();
    const [event] = (await stripe().events.list()).data;
    expect(event).toMatchObject({ data: { object: { id: session.id } }, pending_webhooks: 0 });
  });
});

describe('constructEvent', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","object":"event","type":"identity.verification_session.verified"}';
  const header = 't=1700000000,v1=16b3e9d0c314cd7d57c211c7cc797816aed13445407a2a4480c68bb660334f3d';

  it("verifies the reference signature and the stripe package's test headers", () => {
    expect(constructEvent(body, header, secret, 0)).toEqual(JSON.parse(body));
    const stripe = new Stripe(TEST_KEY);
    const fresh = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    expect(constructEvent(body, fresh, secret)).toEqual(JSON.parse(body));
  });

  it("refuses as stripe-node does, with its messages", () => {
    expect(() => constructEvent(body, header, secret)).toThrow('Timestamp outside the tolerance zone');
    expect(() => constructEvent(body, header, 'whsec_other', 0)).toThrow(/No signatures found matching the expected signature for payload/);
    expect(() => constructEvent(body, header, 'test_secret', 0)).toThrow(/No signatures found matching/);
    expect(() => constructEvent('', header, secret)).toThrow('No webhook payload was provided.');
    expect(() => constructEvent(body, undefined, secret)).toThrow('No stripe-signature header value was provided.');
    expect(() => constructEvent(body, 'v1=abc', secret)).toThrow('Unable to extract timestamp and signatures from header');
    expect(() => constructEvent(body, 't=1700000000,v0=abc', secret)).toThrow('No signatures found with expected scheme');
    expect(() => constructEvent(body, header, '', 0)).toThrow(/No webhook secret value was provided/);
  });
});

describe('webhook state in the ledger log', () => {
  it('is chained and checkpointed like every other event: an audit export of a served ledger verifies', async () => {
    const { ledger, stripe } = await start();
    const hooks = await receiver();
    await stripe().webhookEndpoints.create({ url: hooks.url, enabled_events: ['identity.verification_session.created'] });
    await stripe().identity.verificationSessions.create({ type: 'document' });
    await until(() => hooks.deliveries.length > 0);
    await until(() => false, 300).catch(() => undefined); // let the attempt be recorded
    const signer = parseSignerKey(generateSignerKey('idledger.test/served'));
    if (E.isLeft(signer)) throw new Error('key');
    const bundle = await exportAudit(
      {
        store: ledger.store,
        serializer: ledger.serializer,
        signer: signer.right,
        origin: signer.right.name,
        generator: 'test',
        clock: () => new Date(),
        newEventId: () => crypto.randomUUID(),
        actor: { type: 'system', component: 'audit-export' },
      },
      {},
    );
    if (E.isLeft(bundle)) throw new Error(JSON.stringify(bundle.left));
    const log: Array<string> = [];
    for await (const event of ledger.store.readAll()) log.push(event.streamName);
    expect(log.some((stream) => stream.startsWith('webhook_endpoint-'))).toBe(true);
    expect(log.some((stream) => stream.startsWith('webhook_delivery-'))).toBe(true);
    expect(bundle.right.checkpoint.size).toBe(BigInt(log.length - 1));
    expect(verifyExport(bundle.right.files, [signer.right]).findings).toEqual([]);
  });
});
