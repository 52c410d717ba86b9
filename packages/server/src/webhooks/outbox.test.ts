import { randomUUID } from 'node:crypto';
import { createIdentityLedger, type IdentityLedger } from '@idledger/core';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryStream, type DeliveryEvent } from './delivery-events.js';
import { endpointDecider, endpointStream, type EndpointCommand } from './endpoint.js';
import { createWebhookOutbox, deliveryCodec, endpointCodec } from './outbox.js';
import { writeToStream } from './streams.js';

/** Given a log, the outbox owes exactly the deliveries the log implies. */

const KEY = 'sk_test_outbox_0000';
const context = { actor: { type: 'system' as const, component: 'test' }, requestId: null, correlationId: 'test', causationId: null };

let ledger: IdentityLedger;
beforeEach(async () => {
  ledger = await createIdentityLedger({ apiKey: KEY });
});
afterEach(async () => {
  await ledger.close();
});

const write = () => writeToStream({ store: ledger.store, clock: () => new Date(), newEventId: randomUUID });

const createEndpoint = async (id: string, enabledEvents: ReadonlyArray<string>, livemode = false) => {
  const command: EndpointCommand = {
    type: 'CreateWebhookEndpoint',
    id,
    livemode,
    now: 1_700_000_000,
    url: 'https://example.com/hooks',
    enabledEvents,
    description: null,
    metadata: {},
    secret: 'whsec_x',
  };
  expect(E.isRight(await write()(endpointDecider, endpointCodec, endpointStream(id), command, context)())).toBe(true);
};

const recordAttempt = async (eventId: string, endpointId: string, attempt: number, succeeded: boolean) => {
  const event: DeliveryEvent = {
    type: 'WebhookDeliveryAttempted',
    data: { event: eventId, endpoint: endpointId, attempt, attempted_at_ms: Date.now(), status_code: succeeded ? 200 : 500, error: null, succeeded },
  };
  const appendOne = { initialState: null, evolve: () => null, decide: () => E.right([event]) };
  expect(E.isRight(await write()(appendOne, deliveryCodec, deliveryStream(eventId, endpointId), null, context)())).toBe(true);
};

const startOutbox = async (maxAttempts = 3) => {
  const outbox = createWebhookOutbox({ store: ledger.store, maxAttempts, onError: (error) => expect.fail(String(error)) });
  await outbox.start();
  return outbox;
};

describe('the webhook outbox', () => {
  it('owes an event to the endpoints enabled for it when it committed, not to later ones', async () => {
    await createEndpoint('we_early', ['*']);
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    await createEndpoint('we_late', ['*']);
    await createEndpoint('we_live', ['*'], true);
    await ledger.identity.verificationSessions.cancel(session.id);
    const outbox = await startOutbox();
    const owed = outbox.pendingDeliveries().map((delivery) => `${outbox.event(delivery.eventId, false)?.type} → ${delivery.endpointId}`);
    expect(owed.sort()).toEqual([
      'identity.verification_session.canceled → we_early',
      'identity.verification_session.canceled → we_late',
      'identity.verification_session.created → we_early',
    ]);
    await outbox.stop();
  });

  it('keeps a delivery pending until an attempt succeeded, and gives it up after the attempt limit', async () => {
    await createEndpoint('we_1', ['identity.verification_session.created']);
    await createEndpoint('we_2', ['identity.verification_session.created']);
    await ledger.identity.verificationSessions.create({ type: 'document' });
    const first = await startOutbox();
    const [eventId] = first.pendingDeliveries().map((delivery) => delivery.eventId);
    await first.stop();
    await recordAttempt(eventId!, 'we_1', 1, false);
    await recordAttempt(eventId!, 'we_1', 2, true);
    for (const attempt of [1, 2, 3]) await recordAttempt(eventId!, 'we_2', attempt, false);

    const restarted = await startOutbox(3);
    expect(restarted.pendingDeliveries()).toEqual([]);
    expect([...restarted.deliveriesOf(eventId!)].sort((a, b) => a.endpointId.localeCompare(b.endpointId))).toEqual([
      expect.objectContaining({ endpointId: 'we_1', attempts: 2, succeeded: true }),
      expect.objectContaining({ endpointId: 'we_2', attempts: 3, succeeded: false }),
    ]);
    await restarted.stop();

    const patient = await startOutbox(4);
    expect(patient.pendingDeliveries()).toEqual([expect.objectContaining({ endpointId: 'we_2', attempts: 3 })]);
    await patient.stop();
  });

  it('derives the same event ids from the same log, run after run', async () => {
    await ledger.identity.verificationSessions.create({ type: 'document' });
    const ids = async () => {
      const outbox = await startOutbox();
      const page = outbox.events({ livemode: false, limit: 10 }, () => true);
      await outbox.stop();
      return E.isRight(page) ? page.right.data.map((row) => row.id) : [];
    };
    const first = await ids();
    expect(first).toEqual([expect.stringMatching(/^evt_[0-9A-Za-z]{24}$/)]);
    expect(await ids()).toEqual(first);
  });
});
