import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryEventStore, type EventStore } from '@idledger/core';
import { closeWithin, newLedger, readLog, registerCleanup, rejectionOf, sessionStreams } from './support.js';

/** Idempotency keys (spec section 12): replays, mismatches, modes, concurrency and restarts. */

registerCleanup();

const created = async (store: EventStore) => (await readLog(store)).filter((event) => event.type === 'VerificationSessionCreated').length;

/** Reverses the order of an object's keys, recursively: the same request, spelled differently. */
const reordered = (value: unknown): unknown =>
  value === null || typeof value !== 'object' || Array.isArray(value)
    ? value
    : Object.fromEntries(Object.entries(value as Record<string, unknown>).reverse().map(([key, member]) => [key, reordered(member)]));

/** A store whose appends wait while held, so a request can be caught in flight. */
const gatedStore = (inner: EventStore) => {
  let gate: Promise<void> | undefined;
  let arrivals: Array<() => void> = [];
  const store: EventStore = {
    ...inner,
    appendToStream: (stream, events, options) => async () => {
      if (gate !== undefined) {
        for (const arrived of arrivals.splice(0)) arrived();
        await gate;
      }
      return inner.appendToStream(stream, events, options)();
    },
  };
  return {
    store,
    hold: () => {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    /** Resolves when the next append reaches the gate. */
    nextArrival: () => new Promise<void>((resolve) => arrivals.push(resolve)),
  };
};

const mismatch = { _tag: 'IdentityError', rawType: 'idempotency_error', code: 'idempotency_key_reused', statusCode: 400 };

describe('idempotency keys', () => {
  it('same key and same params (in any key order) replay the same object and create one session', async () => {
    const params = fc.record(
      {
        metadata: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 10 }), { maxKeys: 4 }),
        client_reference_id: fc.stringMatching(/^[a-z0-9]{1,12}$/),
        options: fc.record({ document: fc.record({ require_matching_selfie: fc.boolean(), require_id_number: fc.boolean() }, { requiredKeys: [] }) }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(params, fc.uuid(), async (extra, key) => {
        const ledger = await newLedger();
        const request = { type: 'document', ...extra };
        const first = await ledger.identity.verificationSessions.create(request, { idempotencyKey: key });
        const second = await ledger.identity.verificationSessions.create(reordered(request), { idempotencyKey: key });
        expect(second).toEqual(first);
        expect(sessionStreams(await readLog(ledger.store)).size).toBe(1);
        expect((await ledger.identity.verificationSessions.list()).data.map((session) => session.id)).toEqual([first.id]);
      }),
      { numRuns: 30 },
    );
  });

  it('a replay answers with the object as the first request left it, not as it is now', async () => {
    const ledger = await newLedger();
    const vs = ledger.identity.verificationSessions;
    const first = await vs.create({ type: 'document', metadata: { step: 'one' } }, { idempotencyKey: 'create-1' });
    const updated = await vs.update(first.id, { metadata: { step: 'two' } }, { idempotencyKey: 'update-1' });
    await vs.update(first.id, { metadata: { step: 'three' } });
    expect(await vs.create({ type: 'document', metadata: { step: 'one' } }, { idempotencyKey: 'create-1' })).toEqual(first);
    expect(await vs.update(first.id, { metadata: { step: 'two' } }, { idempotencyKey: 'update-1' })).toEqual(updated);
    const log = await readLog(ledger.store);
    expect(log.filter((event) => event.type === 'VerificationSessionUpdated')).toHaveLength(2);
    expect((await vs.retrieve(first.id)).metadata).toEqual({ step: 'three' });
  });

  it('same key with other params is refused with idempotency_error, status 400, and appends nothing', async () => {
    const ledger = await newLedger();
    const vs = ledger.identity.verificationSessions;
    const first = await vs.create({ type: 'document' }, { idempotencyKey: 'key-a' });
    const before = (await readLog(ledger.store)).length;
    for (const other of [{ type: 'id_number' }, { type: 'document', metadata: { a: 'b' } }, { type: 'document', expand: ['verified_outputs'] }]) {
      const error = await rejectionOf(vs.create(other, { idempotencyKey: 'key-a' }));
      expect(error).toMatchObject(mismatch);
      expect(error.message).toContain("'key-a'");
    }
    await vs.update(first.id, { metadata: { n: '1' } }, { idempotencyKey: 'key-b' });
    expect(await rejectionOf(vs.update(first.id, { metadata: { n: '2' } }, { idempotencyKey: 'key-b' }))).toMatchObject(mismatch);
    expect((await readLog(ledger.store)).length).toBe(before + 1);
  });

  it('refuses the reuse of a key on a different operation', async () => {
    const ledger = await newLedger();
    const vs = ledger.identity.verificationSessions;
    const session = await vs.create({ type: 'document' }, { idempotencyKey: 'shared' });
    const customer = await ledger.customers.create({ name: 'Ada' }, { idempotencyKey: 'customer-key' });
    const before = (await readLog(ledger.store)).length;
    expect(await rejectionOf(vs.update(session.id, { metadata: { a: 'b' } }, { idempotencyKey: 'shared' }))).toMatchObject(mismatch);
    expect(await rejectionOf(vs.cancel(session.id, {}, { idempotencyKey: 'shared' }))).toMatchObject(mismatch);
    expect(await rejectionOf(vs.redact(session.id, {}, { idempotencyKey: 'shared' }))).toMatchObject(mismatch);
    expect(await rejectionOf(ledger.customers.create({}, { idempotencyKey: 'shared' }))).toMatchObject(mismatch);
    expect(await rejectionOf(vs.create({ type: 'document' }, { idempotencyKey: 'customer-key' }))).toMatchObject(mismatch);
    expect(await rejectionOf(ledger.customers.update(customer.id, { name: 'Ada' }, { idempotencyKey: 'customer-key' }))).toMatchObject(mismatch);
    expect((await readLog(ledger.store)).length).toBe(before);
    expect((await vs.retrieve(session.id)).status).toBe('requires_input');
  });

  it('scopes keys per mode: a live key does not see a test key\'s record', async () => {
    const ledger = await newLedger();
    const vs = ledger.identity.verificationSessions;
    const live = { apiKey: 'sk_live_idempotency', idempotencyKey: 'per-mode' };
    const testSession = await vs.create({ type: 'document' }, { idempotencyKey: 'per-mode' });
    const liveSession = await vs.create({ type: 'document' }, live);
    expect(liveSession.livemode).toBe(true);
    expect(liveSession.id).not.toBe(testSession.id);
    // Each mode replays its own first request.
    expect(await vs.create({ type: 'document' }, live)).toEqual(liveSession);
    expect(await vs.create({ type: 'document' }, { idempotencyKey: 'per-mode' })).toEqual(testSession);
    // Other params under the same key: a first request in a mode that has not used it yet.
    const otherLive = await vs.create({ type: 'id_number' }, { apiKey: 'sk_live_idempotency', idempotencyKey: 'test-only' });
    const otherTest = await vs.create({ type: 'document' }, { idempotencyKey: 'test-only' });
    expect([otherLive.livemode, otherTest.livemode]).toEqual([true, false]);
    expect(sessionStreams(await readLog(ledger.store)).size).toBe(4);
  });

  it('refuses a concurrent request with the key of one still in flight with 409 idempotency_key_in_use', async () => {
    const gated = gatedStore(createMemoryEventStore());
    const ledger = await newLedger({ store: gated.store });
    const vs = ledger.identity.verificationSessions;
    const release = gated.hold();
    const arrived = gated.nextArrival();
    const first = vs.create({ type: 'document' }, { idempotencyKey: 'slow' });
    await arrived;
    for (const params of [{ type: 'document' }, { type: 'id_number' }]) {
      expect(await rejectionOf(vs.create(params, { idempotencyKey: 'slow' }))).toMatchObject({
        _tag: 'IdentityError',
        rawType: 'idempotency_error',
        code: 'idempotency_key_in_use',
        statusCode: 409,
      });
    }
    // The other mode's key of the same name is not in flight.
    const liveArrived = gated.nextArrival();
    const live = vs.create({ type: 'document' }, { apiKey: 'sk_live_concurrent', idempotencyKey: 'slow' });
    await liveArrived;
    release();
    const [firstResult, liveResult] = await Promise.all([first, live]);
    expect(liveResult.livemode).toBe(true);
    // Once the first request is done, the key replays it.
    expect(await vs.create({ type: 'document' }, { idempotencyKey: 'slow' })).toEqual(firstResult);
    expect(await created(ledger.store)).toBe(2);
  });

  it('replays the first result after a restart on the same store', async () => {
    const store = createMemoryEventStore();
    const config = { store, tokenKey: 'a-fixed-token-key' };
    const before = await newLedger(config);
    const first = await before.identity.verificationSessions.create({ type: 'document', metadata: { a: '1' } }, { idempotencyKey: 'restart' });
    const customer = await before.customers.create({ name: 'Ada' }, { idempotencyKey: 'restart-customer' });
    await before.identity.verificationSessions.update(first.id, { metadata: { a: '2' } });
    expect(await closeWithin(before)).toBe('closed');

    const after = await newLedger(config);
    expect(await after.identity.verificationSessions.create({ type: 'document', metadata: { a: '1' } }, { idempotencyKey: 'restart' })).toEqual(first);
    expect(await after.customers.create({ name: 'Ada' }, { idempotencyKey: 'restart-customer' })).toEqual(customer);
    expect(await rejectionOf(after.identity.verificationSessions.create({ type: 'id_number' }, { idempotencyKey: 'restart' }))).toMatchObject(mismatch);
    expect(await created(store)).toBe(1);
  });
  it('holds across two ledgers on the same store: one first request runs, the other waits or replays', async () => {
    const store = createMemoryEventStore();
    // Ledgers on one store share its token key, as the embedded ledger keeps it in its file:
    // request fingerprints are keyed with it.
    const one = await newLedger({ store, tokenKey: 'shared-store-key' });
    const two = await newLedger({ store, tokenKey: 'shared-store-key' });
    const results = await Promise.allSettled([
      one.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'shared-store' }),
      two.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'shared-store' }),
    ]);
    expect(await created(store)).toBe(1);
    const ids = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    expect(new Set(ids).size).toBe(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ statusCode: 409, code: 'idempotency_key_in_use' });
    }
    // Once the other ledger has seen the first request, a retry there replays it.
    await two.whenIdle();
    await one.whenIdle();
    const retried = await two.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'shared-store' });
    expect(retried.id).toBe(ids[0]);
  });

  it('across two ledgers, a racing first request with other parameters gets the mismatch error', async () => {
    const store = createMemoryEventStore();
    const one = await newLedger({ store, tokenKey: 'shared-store-key' });
    const two = await newLedger({ store, tokenKey: 'shared-store-key' });
    const results = await Promise.allSettled([
      one.identity.verificationSessions.create({ type: 'document' }, { idempotencyKey: 'raced' }),
      two.identity.verificationSessions.create({ type: 'id_number' }, { idempotencyKey: 'raced' }),
    ]);
    expect(await created(store)).toBe(1);
    expect(results.filter(({ status }) => status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused?.reason).toMatchObject(mismatch);
  });

  it('frees the key of a request that was refused, so it can be used again', async () => {
    const ledger = await newLedger();
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    await expect(ledger.identity.verificationSessions.cancel(session.id, {}, { idempotencyKey: 'refused-once' })).rejects.toMatchObject({ code: 'session_status_invalid' });
    const other = await ledger.identity.verificationSessions.create({ type: 'id_number' }, { idempotencyKey: 'refused-once' });
    expect(other.type).toBe('id_number');
  });
});
