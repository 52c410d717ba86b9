import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, EventToAppend, RecordedEvent } from '@idledger/core/ledger';
import { startTestServer, type TestServer } from '@idledger/esdb-test-server';
import { connectEventStoreDb } from '@idledger/store-eventstoredb';

/**
 * What the EventStoreDB adapter does beyond the shared conformance suite: the database holds
 * things no other store has (tombstones, stream metadata, system records, other writers), and
 * the adapter must map each to the port.
 */

const event = (type = 'Happened', data: EventToAppend['data'] = {}): EventToAppend => ({ id: randomUUID(), type, data, metadata: null });
const collect = async (store: EventStore): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
};

describe('EventStoreDB adapter, beyond the conformance suite', () => {
  let server: TestServer;
  let store: EventStore;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await startTestServer({ maxAppendSize: 4096 });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });
  beforeEach(() => {
    server.reset();
    store = connectEventStoreDb({ connectionString: server.connectionString });
  });
  afterEach(async () => store.close());

  it('reports a tombstoned stream as StreamDeleted on every operation', async () => {
    await store.appendToStream('account-1', [event()], { expectedRevision: 'no_stream' })();
    await client.tombstoneStream('account-1');
    expect(await store.readStream('account-1')()).toEqual(E.left({ _tag: 'StreamDeleted', stream: 'account-1' }));
    expect(await store.streamRevision('account-1')()).toEqual(E.left({ _tag: 'StreamDeleted', stream: 'account-1' }));
    expect(await store.appendToStream('account-1', [event()], { expectedRevision: 'any' })()).toEqual(E.left({ _tag: 'StreamDeleted', stream: 'account-1' }));
  });

  it('refuses an append over the server’s size limit as InvalidAppend, writing nothing', async () => {
    const result = await store.appendToStream('account-1', [event('Big', { blob: 'x'.repeat(5000) })], { expectedRevision: 'any' })();
    expect(result).toMatchObject(E.left({ _tag: 'InvalidAppend', stream: 'account-1' }));
    expect(await collect(store)).toEqual([]);
  });

  it('hides system records of $all (metadata, tombstones) from reads and subscriptions', async () => {
    await store.appendToStream('account-1', [event()], { expectedRevision: 'no_stream' })();
    await client.setStreamMetadata('account-1', { maxAge: 3600 });
    await client.appendToStream('account-2', jsonEvent({ type: 'Other', data: {} }));
    await client.tombstoneStream('account-2');
    const all = await collect(store);
    expect(all.map((e) => [e.streamName, e.type])).toEqual([
      ['account-1', 'Happened'],
      ['account-2', 'Other'],
    ]);
    const subscription = store.subscribeToAll({ from: 'start' });
    const seen: string[] = [];
    for await (const message of subscription) {
      if (message._tag === 'CaughtUp') {
        expect(message.position).toBe(all[1]?.position);
        break;
      }
      seen.push(message.event.type);
    }
    expect(seen).toEqual(['Happened', 'Other']);
  });

  it('sees a conflicting write of another client as WrongExpectedVersion with the actual revision', async () => {
    await store.appendToStream('account-1', [event()], { expectedRevision: 'no_stream' })();
    await client.appendToStream('account-1', [jsonEvent({ type: 'Elsewhere', data: {} }), jsonEvent({ type: 'Elsewhere', data: {} })]);
    expect(await store.appendToStream('account-1', [event()], { expectedRevision: 0n })()).toEqual(
      E.left({ _tag: 'WrongExpectedVersion', stream: 'account-1', expected: 0n, actual: 2n }),
    );
  });

  it('round-trips JSON data and metadata exactly, falsy values included, and reads what other clients wrote', async () => {
    const values = [null, 0, false, '', 'text', [1, 'a'], { nested: { deep: [null] } }] as const;
    const events = values.map((v) => ({ ...event('Value', v), metadata: v }));
    await store.appendToStream('account-1', events, { expectedRevision: 'no_stream' })();
    const read = await store.readStream('account-1')();
    expect(E.isRight(read) && read.right.map((e) => [e.data, e.metadata])).toEqual(values.map((v) => [v, v]));
    await client.appendToStream('account-2', jsonEvent({ type: 'Foreign', data: { a: 1 } }));
    const foreign = await store.readStream('account-2')();
    expect(E.isRight(foreign) && foreign.right[0]).toMatchObject({ type: 'Foreign', data: { a: 1 }, metadata: null, revision: 0n });
  });

  it('gives positions the raw client resumes from: reading $all at an event’s position starts with that event', async () => {
    await store.appendToStream('account-1', [event(), event(), event()], { expectedRevision: 'no_stream' })();
    const [, second] = await collect(store);
    const raw = [];
    for await (const resolved of client.readAll({ fromPosition: { commit: second!.position, prepare: second!.position }, maxCount: 1 })) raw.push(resolved.event?.id);
    expect(raw).toEqual([second?.id]);
  });

  it('reads from the start of the log for a position below 0, which the server cannot take', async () => {
    await store.appendToStream('account-1', [event(), event()], { expectedRevision: 'no_stream' })();
    const all: RecordedEvent[] = [];
    for await (const e of store.readAll({ fromPosition: -1n })) all.push(e);
    expect(all).toHaveLength(2);
    const subscription = store.subscribeToAll({ from: -1n });
    const ids: string[] = [];
    for await (const message of subscription) {
      if (message._tag === 'CaughtUp') break;
      ids.push(message.event.id);
    }
    expect(ids).toEqual(all.map((e) => e.id));
  });

  it('refuses a namespace that would make every stream a system stream', () => {
    expect(() => connectEventStoreDb({ connectionString: server.connectionString, streamNamespace: '$tenant-' })).toThrow(RangeError);
  });
});
