import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './index.js';

/**
 * The test server against the unmodified `@eventstore/db-client`: what each documented behaviour
 * looks like from the client, over both append paths (BatchAppend and Append).
 */

const collect = async <A>(iterable: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};
const failureOf = async (promise: Promise<unknown>): Promise<{ type?: string } & Record<string, unknown>> => {
  try {
    await promise;
  } catch (error) {
    return error as { type?: string };
  }
  throw new Error('expected a failure');
};
const event = (type = 'Happened', data: Record<string, unknown> = {}) => jsonEvent({ type, data });

describe.each([{ batchAppend: true }, { batchAppend: false }])('test server (batchAppend: $batchAppend)', ({ batchAppend }) => {
  let server: TestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    server = await startTestServer({ batchAppend });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await server.stop();
  });
  beforeEach(() => server.reset());

  it('appends with each expected-revision mode, 0-based, conflicts as WrongExpectedVersionError', async () => {
    expect((await client.appendToStream('a', [event(), event()], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(1n);
    expect((await client.appendToStream('a', event(), { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
    expect((await client.appendToStream('a', event(), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(3n);
    expect((await client.appendToStream('a', event(), { expectedRevision: 'any' })).nextExpectedRevision).toBe(4n);
    expect(await failureOf(client.appendToStream('a', event(), { expectedRevision: 0n }))).toMatchObject({
      type: 'wrong-expected-version',
      streamName: 'a',
      expectedVersion: 0n,
      actualVersion: 4n,
    });
    expect(await failureOf(client.appendToStream('b', event(), { expectedRevision: 'stream_exists' }))).toMatchObject({
      type: 'wrong-expected-version',
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });
    expect(await failureOf(client.appendToStream('a', event(), { expectedRevision: 'no_stream' }))).toMatchObject({ expectedVersion: 'no_stream', actualVersion: 4n });
  });

  it('acknowledges a retried append of the same event ids once, without writing it twice', async () => {
    const events = [event(), event()];
    const first = await client.appendToStream('a', events, { expectedRevision: 'no_stream' });
    const retry = await client.appendToStream('a', events, { expectedRevision: 'no_stream' });
    expect(retry).toEqual(first);
    expect(await collect(client.readStream('a'))).toHaveLength(2);
  });

  it('reads streams forwards and backwards with counts, and reports a missing stream in-band', async () => {
    await client.appendToStream('a', [event('A'), event('B'), event('C')]);
    expect((await collect(client.readStream('a', { fromRevision: 1n }))).map((e) => e.event?.type)).toEqual(['B', 'C']);
    expect((await collect(client.readStream('a', { direction: BACKWARDS, fromRevision: END, maxCount: 1 }))).map((e) => e.event?.revision)).toEqual([2n]);
    const [first] = await collect(client.readStream('a'));
    expect(first?.event).toMatchObject({ streamId: 'a', revision: 0n, type: 'A', isJson: true, data: {} });
    expect(first?.event?.created).toBeInstanceOf(Date);
    expect(await failureOf(collect(client.readStream('missing')))).toMatchObject({ type: 'stream-not-found', streamName: 'missing' });
  });

  it('reads $all from an inclusive position, forwards and backwards, with strictly increasing positions', async () => {
    await client.appendToStream('a', [event(), event()]);
    await client.appendToStream('b', [event()]);
    const all = await collect(client.readAll());
    const positions = all.map((e) => e.event?.position?.commit ?? -1n);
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
    expect(new Set(positions).size).toBe(3);
    const second = all[1]?.event?.position;
    expect((await collect(client.readAll({ fromPosition: second }))).map((e) => e.event?.id)).toEqual(all.slice(1).map((e) => e.event?.id));
    expect((await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }))).map((e) => e.event?.streamId)).toEqual(['b']);
  });

  it('applies $tb, $maxCount and $maxAge to stream reads only, until a scavenge', async () => {
    await client.appendToStream('a', [event(), event(), event()]);
    await client.setStreamMetadata('a', { maxCount: 1 });
    expect((await collect(client.readStream('a'))).map((e) => e.event?.revision)).toEqual([2n]);
    expect((await client.getStreamMetadata('a')).metadata).toMatchObject({ maxCount: 1 });
    const inAll = (await collect(client.readAll())).filter((e) => e.event?.streamId === 'a');
    expect(inAll).toHaveLength(3);
    expect(server.scavenge().removed).toBe(2);
    expect((await collect(client.readAll())).filter((e) => e.event?.streamId === 'a')).toHaveLength(1);
  });

  it('soft-deletes: reads say not found, revisions continue on the next append', async () => {
    await client.appendToStream('a', [event(), event()]);
    await client.deleteStream('a');
    expect(await failureOf(collect(client.readStream('a')))).toMatchObject({ type: 'stream-not-found' });
    expect((await client.appendToStream('a', event('Again'))).nextExpectedRevision).toBe(2n);
    expect((await collect(client.readStream('a'))).map((e) => [e.event?.revision, e.event?.type])).toEqual([[2n, 'Again']]);
  });

  it('tombstones: reads and appends fail with StreamDeletedError for ever', async () => {
    await client.appendToStream('a', [event()]);
    await client.tombstoneStream('a');
    expect(await failureOf(collect(client.readStream('a')))).toMatchObject({ type: 'stream-deleted', streamName: 'a' });
    expect(await failureOf(client.appendToStream('a', event()))).toMatchObject({ type: 'stream-deleted' });
    expect(await failureOf(client.deleteStream('a'))).toMatchObject({ type: 'stream-deleted' });
  });

  it('subscribes to $all: history after the exclusive start, caughtUp, live events, filters and checkpoints', async () => {
    await client.appendToStream('order-1', [event('Opened'), event('Changed')]);
    await client.appendToStream('user-1', [event('Opened')]);
    const [first] = await collect(client.readAll({ maxCount: 1 }));
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first?.event?.position,
      filter: streamNameFilter({ prefixes: ['order-'], maxSearchWindow: 1, checkpointInterval: 1, checkpointReached: (_s, position) => void checkpoints.push(position.commit) }),
    });
    let caughtUp = false;
    subscription.on('caughtUp', () => {
      caughtUp = true;
    });
    const seen: AllStreamResolvedEvent[] = [];
    for await (const resolved of subscription) {
      seen.push(resolved);
      if (seen.length === 1) {
        await client.appendToStream('user-1', [event('Changed')]);
        await client.appendToStream('order-2', [event('Opened')]);
      }
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => [e.event?.streamId, e.event?.type])).toEqual([
      ['order-1', 'Changed'],
      ['order-2', 'Opened'],
    ]);
    expect(caughtUp).toBe(true);
    await subscription.unsubscribe();
    expect(checkpoints.length).toBeGreaterThan(0);

    const typed = await collect(client.readAll());
    const filtered = client.subscribeToAll({ filter: eventTypeFilter({ prefixes: ['Open'] }) });
    const types: string[] = [];
    for await (const resolved of filtered) {
      types.push(resolved.event?.type ?? '');
      if (types.length === typed.filter((e) => e.event?.type === 'Opened').length) break;
    }
    expect(new Set(types)).toEqual(new Set(['Opened']));
    await filtered.unsubscribe();
  });

  it('shows $metadata events in $all, which excludeSystemEvents() leaves out', async () => {
    await client.appendToStream('a', [event()]);
    await client.setStreamMetadata('a', { maxAge: 3600 });
    expect((await collect(client.readAll())).map((e) => e.event?.type)).toEqual(['Happened', '$metadata']);
    const subscription = client.subscribeToAll({ filter: excludeSystemEvents() });
    const [only] = await (async () => {
      for await (const resolved of subscription) return [resolved];
      return [];
    })();
    expect(only?.event?.type).toBe('Happened');
    await subscription.unsubscribe();
  });

  it('injects failures, delays and dropped connections', async () => {
    server.faults.failNext(batchAppend ? 'batchAppend' : 'append');
    expect(await failureOf(client.appendToStream('a', event()))).toMatchObject({ type: 'unavailable' });
    expect((await client.appendToStream('a', event(), { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
    server.faults.failNext(batchAppend ? 'batchAppend' : 'append', { afterCommit: true });
    expect(await failureOf(client.appendToStream('a', event()))).toMatchObject({ type: 'unavailable' });
    expect(await collect(client.readStream('a'))).toHaveLength(2);
    server.faults.delay('read', 30);
    const started = Date.now();
    await collect(client.readStream('a'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    server.faults.delay('read', 0);
    const subscription = client.subscribeToAll();
    const failed = new Promise((resolve) => subscription.on('error', resolve));
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    server.faults.dropConnections();
    expect(await failed).toMatchObject({ type: 'unavailable' });
    expect((await client.appendToStream('a', event())).nextExpectedRevision).toBe(2n);
  });
});
