import * as E from 'fp-ts/lib/Either.js';
import { keysOf, serializerFor } from '@idledger/core/testing';
import { createIdentityLedger, createMemoryEventStore, type EventStore, type IdentityLedger, type IdentityLedgerConfig, type ReadModel } from '@idledger/core';
import { createMemoryReadModel, type LedgerDomainEvent, type LedgerEvent } from '@idledger/core/ledger';

/**
 * Random but reproducible API activity in both modes: customers, sessions and every way a session
 * moves (update, submit, verify, unverify, cancel, redact), with shared idempotency keys so some
 * requests replay and some are refused. Values come from small pools so every list filter has
 * several matches, and the clock moves in small steps so many objects share a second.
 */

export interface Random {
  readonly next: () => number;
  readonly int: (below: number) => number;
  readonly chance: (probability: number) => boolean;
  readonly pick: <T>(values: ReadonlyArray<T>) => T;
}

/** mulberry32: tiny, seedable, good enough to vary test activity. */
export const seededRandom = (seed: number): Random => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return { next, int, chance: (probability) => next() < probability, pick: (values) => values[int(values.length)]! };
};

export const manualClock = (startSeconds = 1_750_000_000) => {
  let ms = startSeconds * 1000;
  return {
    clock: () => new Date(ms),
    advance: (seconds: number) => {
      ms += seconds * 1000;
    },
  };
};

export const LIVE_KEY = 'sk_live_readmodel';
export const TEST_KEY = 'sk_test_readmodel';
export const EMAILS = ['ada@example.com', 'grace@example.com', 'alan@example.com'];
export const REFERENCES = ['ref-1', 'ref-2', 'ref-3'];
export const ACCOUNTS = ['acct_1', 'acct_2'];
const IDEMPOTENCY_KEYS = ['key-a', 'key-b', 'key-c', 'key-d'];
const FAILURES = ['document_expired', 'selfie_face_mismatch', 'consent_declined', 'abandoned'];

/** A ledger config for a test: manual clock, instant background processing. */
export const ledgerConfig = (store: EventStore, readModel: ReadModel, clock: () => Date): IdentityLedgerConfig => ({
  store,
  keyStore: keysOf(store),
  readModel,
  clock,
  apiKey: TEST_KEY,
  simulatedDelayMs: 0,
  redactionDelayMs: 0,
  verifierRetryInitialDelayMs: 1,
  verifierRetryMaxDelayMs: 5,
});

interface Created {
  readonly id: string;
  readonly livemode: boolean;
}

export const driveRandomActivity = async (
  ledger: IdentityLedger,
  random: Random,
  advance: (seconds: number) => void,
  steps: number,
): Promise<void> => {
  const sessions: Array<Created> = [];
  const customers: Array<Created> = [];
  const ofMode = (objects: ReadonlyArray<Created>, livemode: boolean) => {
    const candidates = objects.filter((object) => object.livemode === livemode || random.chance(0.05));
    return candidates.length === 0 ? undefined : random.pick(candidates).id;
  };
  const maybe = <T extends object>(probability: number, value: () => T): T | Record<string, never> => (random.chance(probability) ? value() : {});

  for (let step = 0; step < steps; step++) {
    const livemode = random.chance(0.3);
    const options = { apiKey: livemode ? LIVE_KEY : TEST_KEY, ...maybe(0.2, () => ({ idempotencyKey: random.pick(IDEMPOTENCY_KEYS) })) };
    const session = ofMode(sessions, livemode);
    const customer = ofMode(customers, livemode);
    const helpers = ledger.testHelpers.identity.verificationSessions;
    const sessionsApi = ledger.identity.verificationSessions;
    const roll = random.int(100);
    try {
      if (roll < 12 || customers.length === 0) {
        const created = await ledger.customers.create(
          { ...maybe(0.8, () => ({ email: random.pick(EMAILS) })), ...maybe(0.3, () => ({ name: 'Ada', metadata: { tier: 'gold' } })) },
          options,
        );
        customers.push({ id: created.id, livemode: created.livemode });
      } else if (roll < 18 && customer !== undefined) {
        await ledger.customers.update(customer, { email: random.pick(EMAILS), ...maybe(0.3, () => ({ metadata: { step: String(step) } })) }, options);
      } else if (roll < 45 || session === undefined) {
        const created = await sessionsApi.create(
          {
            type: random.pick(['document', 'id_number'] as const),
            ...maybe(0.5, () => ({ client_reference_id: random.pick(REFERENCES) })),
            ...maybe(0.4, () => (customer === undefined ? {} : { related_customer: customer })),
            ...maybe(0.3, () => ({ related_customer_account: random.pick(ACCOUNTS) })),
            ...maybe(0.4, () => ({ metadata: { order: String(step) } })),
            ...maybe(0.3, () => ({ provided_details: { email: random.pick(EMAILS) } })),
            ...maybe(0.2, () => ({ return_url: 'https://example.com/done' })),
          },
          options,
        );
        sessions.push({ id: created.id, livemode: created.livemode });
      } else if (roll < 55) {
        await sessionsApi.update(session, { metadata: { step: String(step), ...maybe(0.3, () => ({ order: '' })) } }, options);
      } else if (roll < 68) {
        await helpers.verify(session, maybe(0.2, () => ({ simulate_delay: true })), { ...options, apiKey: TEST_KEY });
      } else if (roll < 78) {
        await helpers.unverify(session, maybe(0.7, () => ({ last_error: { code: random.pick(FAILURES) } })), { ...options, apiKey: TEST_KEY });
      } else if (roll < 83) {
        await helpers.submit(session, {}, { ...options, apiKey: TEST_KEY });
      } else if (roll < 91) {
        await sessionsApi.cancel(session, {}, options);
      } else {
        await sessionsApi.redact(session, {}, options);
      }
    } catch {
      // Refusals (wrong state, wrong mode, reused keys) are part of the activity.
    }
    if (random.chance(0.6)) advance(random.int(3));
    if (random.chance(0.15)) await ledger.whenIdle();
  }
  await ledger.whenIdle();
};

/** The whole log, decoded as the projection runner decodes it. */
export const decodedLog = async (store: EventStore): Promise<Array<LedgerEvent<LedgerDomainEvent>>> => {
  const serializer = serializerFor(store);
  const events: Array<LedgerEvent<LedgerDomainEvent>> = [];
  for await (const recorded of store.readAll()) {
    const decoded = serializer.deserialize(recorded);
    if (E.isRight(decoded)) events.push(decoded.right);
  }
  return events;
};

/** Splits events into batches of random sizes, as the runner's catch-up and live phases would. */
export const randomBatches = <T>(events: ReadonlyArray<T>, random: Random, maxSize = 12): Array<Array<T>> => {
  const batches: Array<Array<T>> = [];
  for (let index = 0; index < events.length; ) {
    const size = 1 + random.int(maxSize);
    batches.push(events.slice(index, index + size));
    index += size;
  }
  return batches;
};

/** `close()` can wait on background sleeps; a test must not hang on it. */
export const closeLedger = async (ledger: IdentityLedger, ms = 500): Promise<void> => {
  await Promise.race([ledger.close(), new Promise((resolve) => setTimeout(resolve, ms))]);
};

/** Runs seeded activity on a throwaway in-memory ledger and returns its store and decoded log. */
export const recordActivity = async (seed: number, steps: number) => {
  const store = createMemoryEventStore();
  const clock = manualClock();
  const ledger = await createIdentityLedger(ledgerConfig(store, createMemoryReadModel(), clock.clock));
  try {
    await driveRandomActivity(ledger, seededRandom(seed), clock.advance, steps);
  } finally {
    await closeLedger(ledger);
  }
  return { store, events: await decodedLog(store) };
};
