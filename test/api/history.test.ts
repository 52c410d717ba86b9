import { createIdentityLedger, createMemoryKeyStore, type IdentityLedger } from '@idledger/core';
import { createMemoryReadModel } from '@idledger/core/ledger';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';

/** history() and the auto-paging list helper at their edges. */

const ledgers: Array<IdentityLedger> = [];
afterEach(async () => {
  for (const ledger of ledgers.splice(0)) await ledger.close();
});

describe('history', () => {
  it('treats the past as a prefix of the stream, even when a later event carries an earlier time', async () => {
    let now = 1_800_000_000_000;
    const ledger = await createIdentityLedger({ clock: () => new Date(now) });
    ledgers.push(ledger);
    const session = await ledger.identity.verificationSessions.create({ type: 'document', metadata: { step: 'created' } });
    now -= 60_000; // another writer's clock, a minute behind
    await ledger.identity.verificationSessions.update(session.id, { metadata: { step: 'updated' } });
    now += 120_000;
    await ledger.identity.verificationSessions.update(session.id, { metadata: { step: 'last' } });

    // Up to the first event past the moment: revisions 0 and 1, and the state they make.
    const between = await ledger.history(session.id, { asOf: new Date(1_800_000_000_000 + 30_000) });
    expect(between.revision).toBe(1n);
    expect(between.session.metadata).toEqual({ step: 'updated' });
    expect(between.events.map(({ revision }) => revision)).toEqual([0n, 1n]);
    // Before the first event the session did not exist, whatever later events' clocks say.
    await expect(ledger.history(session.id, { asOf: new Date(1_800_000_000_000 - 30_000) })).rejects.toMatchObject({ code: 'resource_missing' });
  });
});

describe('auto-paging', () => {
  it('refuses a bad autoPagingToArray limit without leaving the first page unhandled', async () => {
    const ledger = await createIdentityLedger();
    ledgers.push(ledger);
    await expect(ledger.identity.verificationSessions.list({ limit: 'x' }).autoPagingToArray({ limit: 0 })).rejects.toThrow(RangeError);
  });
});

describe('a failing read model', () => {
  it('gives a Left api_error on the TaskEither face and a rejection with Stripe fields on the Promise face, never an escaped exception', async () => {
    const readModel = { ...createMemoryReadModel(), listSessions: () => Promise.reject(new Error('disk I/O error')) };
    const ledger = await createIdentityLedger({ readModel });
    ledgers.push(ledger);
    const result = await ledger.fp.identity.verificationSessions.list()();
    expect(E.isLeft(result) && result.left).toMatchObject({ type: 'api_error', code: 'api_error', message: 'The read model failed: disk I/O error' });
    await expect(ledger.identity.verificationSessions.list()).rejects.toMatchObject({ rawType: 'api_error', statusCode: 500 });
  });
});

describe('a failing subscription', () => {
  it('is resubscribed from where it stopped: writes still become readable and submissions still get their outcome', async () => {
    const { createMemoryEventStore } = await import('@idledger/core/ledger');
    const inner = createMemoryEventStore();
    let failuresLeft = 2;
    const store = {
      ...inner,
      subscribeToAll: (options: Parameters<typeof inner.subscribeToAll>[0]) => {
        const subscription = inner.subscribeToAll(options);
        return {
          close: subscription.close,
          [Symbol.asyncIterator]: () => {
            const iterator = subscription[Symbol.asyncIterator]();
            let live = false;
            return {
              next: async () => {
                const next = await iterator.next();
                if (!next.done && next.value._tag === 'CaughtUp') live = true;
                else if (!next.done && live && failuresLeft > 0) {
                  failuresLeft--;
                  throw { _tag: 'Unavailable', reason: 'the connection dropped' };
                }
                return next;
              },
              return: async () => iterator.return?.() ?? { done: true as const, value: undefined },
            };
          },
        };
      },
    };
    const errors: Array<unknown> = [];
    const ledger = await createIdentityLedger({ store, keyStore: createMemoryKeyStore(), onBackgroundError: (error) => errors.push(error) });
    ledgers.push(ledger);
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).id).toBe(session.id);
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    expect((await ledger.identity.verificationSessions.retrieve(session.id)).status).toBe('verified');
    expect(failuresLeft).toBe(0);
    expect(errors).toContainEqual({ _tag: 'Unavailable', reason: 'the connection dropped' });
  });
});

describe('the audit trail', () => {
  it('names a metadata update without its keys, which are the integrator’s own text', async () => {
    const ledger = await createIdentityLedger();
    ledgers.push(ledger);
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    await ledger.identity.verificationSessions.update(session.id, { metadata: { 'jane.doe@example.com': 'x' } });
    await ledger.identity.verificationSessions.redact(session.id);
    await ledger.whenIdle();
    const audit = await ledger.audit(session.id);
    expect(audit[1]?.changed_fields).toEqual(['metadata']);
    expect(JSON.stringify(audit, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).not.toContain('jane.doe');
  });
});
