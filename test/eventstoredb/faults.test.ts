import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentityLedger, createMemoryKeyStore, type EventStore, type EventToAppend, type RecordedEvent, type StoreError } from '@idledger/core';
import { startTestServer, type TestServer } from '@idledger/esdb-test-server';
import { createMemoryReadModel, type AppendResult } from '@idledger/core/ledger';
import { connectEventStoreDb } from '@idledger/store-eventstoredb';

/**
 * Faults between the adapter and EventStoreDB, injected by the test server: failed calls (before
 * or after the write commits), slow calls cut by a dropped connection, and outages. Whatever
 * happens, an acknowledged append is in the log exactly once, a failure is `Unavailable`, and
 * projections resume and apply every event exactly once.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const event = (type = 'Happened'): EventToAppend => ({ id: randomUUID(), type, data: { at: type }, metadata: null });

/** Retries a read through the moments a dropped channel needs to reconnect. */
const settled = async <A>(read: () => Promise<E.Either<StoreError, A>>): Promise<A> => {
  for (let attempt = 0; ; attempt++) {
    const result = await read();
    if (E.isRight(result)) return result.right;
    if (result.left._tag !== 'Unavailable' || attempt > 50) throw new Error(`read failed: ${JSON.stringify(result.left)}`);
    await sleep(10);
  }
};
const logOf = (store: EventStore) =>
  settled(async () => {
    try {
      const out: RecordedEvent[] = [];
      for await (const e of store.readAll()) out.push(e);
      return E.right(out);
    } catch (error) {
      return E.left(error as StoreError);
    }
  });

/** Retries an append through reconnection; a conflict means the unanswered attempt was written (or another writer won). */
const retry = async (append: () => Promise<E.Either<StoreError, AppendResult>>): Promise<E.Either<StoreError, AppendResult> | 'conflict'> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const result = await append();
    if (E.isRight(result)) return result;
    if (result.left._tag === 'WrongExpectedVersion') return 'conflict';
    expect(result.left).toMatchObject({ _tag: 'Unavailable' });
    await sleep(10);
  }
  throw new Error('the append never got through');
};

type Fault = 'none' | 'fail-before-commit' | 'fail-after-commit' | 'drop-mid-call' | 'outage';

describe.each([{ batchAppend: true }, { batchAppend: false }])('EventStoreDB adapter under faults (batchAppend: $batchAppend)', ({ batchAppend }) => {
  let server: TestServer;
  const appendMethod = batchAppend ? 'batchAppend' : 'append';
  beforeAll(async () => {
    server = await startTestServer({ batchAppend });
  });
  afterAll(async () => server.stop());

  const inject = async (fault: Fault, append: () => Promise<E.Either<StoreError, AppendResult>>) => {
    server.faults.clear();
    switch (fault) {
      case 'none':
        return append();
      case 'fail-before-commit':
        server.faults.failNext(appendMethod);
        return append();
      case 'fail-after-commit':
        server.faults.failNext(appendMethod, { afterCommit: true });
        return append();
      case 'drop-mid-call': {
        // The server is still holding the call when the connection goes: the write lands, the answer does not.
        server.faults.delay(appendMethod, 30);
        const pending = append();
        await sleep(10);
        server.faults.dropConnections();
        const result = await pending;
        server.faults.delay(appendMethod, 0);
        return result;
      }
      case 'outage': {
        server.faults.setAccepting(false);
        server.faults.dropConnections();
        const result = await append();
        server.faults.setAccepting(true);
        return result;
      }
    }
  };

  it('never loses or duplicates an acknowledged append; failures are Unavailable; a retry with the same expectation is safe', async () => {
    const steps = fc.array(
      fc.record({
        stream: fc.constantFrom('account-1', 'account-2'),
        size: fc.integer({ min: 1, max: 3 }),
        fault: fc.constantFrom<Fault>('none', 'fail-before-commit', 'fail-after-commit', 'drop-mid-call', 'outage'),
      }),
      { minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(steps, async (plan) => {
        server.reset();
        const store = connectEventStoreDb({ connectionString: server.connectionString });
        const acknowledged: Array<{ stream: string; ids: string[]; revision: bigint }> = [];
        try {
          for (const { stream, size, fault } of plan) {
            const expected = await settled(() => store.streamRevision(stream)());
            const events = Array.from({ length: size }, () => event());
            const append = () => store.appendToStream(stream, events, { expectedRevision: expected })();
            let result: E.Either<StoreError, AppendResult> | 'conflict' = await inject(fault, append);
            // Even without a fault of its own, a call may meet the channel a previous fault broke, or
            // a conflict with an unanswered write of an earlier step that landed late.
            if (E.isLeft(result) && result.left._tag !== 'WrongExpectedVersion') {
              expect(result.left).toMatchObject({ _tag: 'Unavailable' });
              // The caller retries with the expectation it had: the write happens once, or is reported as done.
              result = await retry(append);
            }
            // Unanswered, then refused: the first attempt landed, or another writer won. Either way it is not acknowledged.
            if (result === 'conflict' || E.isLeft(result)) continue;
            if (E.isRight(result)) acknowledged.push({ stream, ids: events.map((e) => e.id), revision: result.right.nextExpectedRevision });
          }
          const log = await logOf(store);
          const ids = log.map((e) => e.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const { stream, ids: written, revision } of acknowledged) {
            const found = log.filter((e) => written.includes(e.id));
            expect(found.map((e) => e.id)).toEqual(written);
            expect(found.every((e) => e.streamName === stream)).toBe(true);
            expect(found.at(-1)?.revision).toBe(revision);
          }
        } finally {
          server.faults.clear();
          server.faults.setAccepting(true);
          await store.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it('ends a subscription with Unavailable when the connection drops; resuming from the last position misses and repeats nothing', async () => {
    server.reset();
    const store = connectEventStoreDb({ connectionString: server.connectionString, pageSize: 3 });
    try {
      for (let i = 0; i < 5; i++) await settled(() => store.appendToStream(`account-${i % 2}`, [event()], { expectedRevision: 'any' })());
      const seen: RecordedEvent[] = [];
      const first = store.subscribeToAll({ from: 'start' });
      const failure = await (async () => {
        try {
          for await (const message of first) {
            if (message._tag === 'Event') seen.push(message.event);
            if (message._tag === 'CaughtUp') {
              await store.appendToStream('account-0', [event()], { expectedRevision: 'any' })();
            }
            if (seen.length === 6) server.faults.dropConnections();
          }
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(failure).toMatchObject({ _tag: 'Unavailable' });
      for (let i = 0; i < 4; i++) await settled(() => store.appendToStream('account-1', [event()], { expectedRevision: 'any' })());
      const resumed = store.subscribeToAll({ from: (seen.at(-1) as RecordedEvent).position });
      for await (const message of resumed) {
        if (message._tag === 'Event') seen.push(message.event);
        if (message._tag === 'CaughtUp') break;
      }
      expect(seen.map((e) => e.id)).toEqual((await logOf(store)).map((e) => e.id));
    } finally {
      await store.close();
    }
  });

  it('keeps projections applying every event exactly once through dropped connections and an outage', async () => {
    server.reset();
    const store = connectEventStoreDb({ connectionString: server.connectionString });
    const memory = createMemoryReadModel();
    const appliedIds: string[] = [];
    const readModel = {
      ...memory,
      apply: async (events: Parameters<typeof memory.apply>[0]) => {
        appliedIds.push(...events.map((e) => e.envelope.eventId));
        await memory.apply(events);
      },
    };
    const ledger = await createIdentityLedger({ store, keyStore: createMemoryKeyStore(), readModel, processing: false, onBackgroundError: () => undefined });
    try {
      const created: string[] = [];
      for (let i = 0; i < 24; i++) {
        if (i === 6 || i === 14) server.faults.dropConnections();
        if (i === 18) {
          server.faults.setAccepting(false);
          server.faults.dropConnections();
          setTimeout(() => server.faults.setAccepting(true), 60);
        }
        for (let attempt = 0; ; attempt++) {
          try {
            created.push((await ledger.identity.verificationSessions.create({ type: 'document', metadata: { n: String(i) } })).id);
            break;
          } catch (error) {
            if (attempt > 100) throw error;
            await sleep(10);
          }
        }
      }
      for (const id of created) expect(await ledger.identity.verificationSessions.retrieve(id)).toMatchObject({ id });
      const projected = (await logOf(store)).filter((e: RecordedEvent) => e.streamName.startsWith('verification_session-')).map((e) => e.id);
      expect(appliedIds).toEqual(projected);
    } finally {
      await ledger.close();
      await store.close();
    }
  }, 60_000);
});
