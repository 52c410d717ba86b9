import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createMemoryEventStore } from './memory-store.js';
import { isStoreError, type EventToAppend, type JsonValue, type RecordedEvent } from './port.js';

// Behaviour specific to the in-memory adapter; the shared contract lives in test/conformance.

const ev = (data: JsonValue = {}, type = 'Happened'): EventToAppend => ({ id: randomUUID(), type, data, metadata: null });

const isDeepFrozen = (v: unknown): boolean =>
  v === null || typeof v !== 'object' || (Object.isFrozen(v) && Object.values(v).every(isDeepFrozen));

describe('memory event store: snapshots', () => {
  it('returns deep-frozen events that refuse mutation', async () => {
    const store = createMemoryEventStore();
    await store.appendToStream('user-1', [ev({ name: 'Ada', tags: ['a'] })], { expectedRevision: 'no_stream' })();
    const read = await store.readStream('user-1')();
    if (E.isLeft(read)) throw new Error(read.left._tag);
    const event = read.right[0] as RecordedEvent;
    expect(Object.isFrozen(event)).toBe(true);
    expect(isDeepFrozen(event.data)).toBe(true);
    expect(() => (event.data as { tags: string[] }).tags.push('b')).toThrow(TypeError);
    expect(() => Object.assign(event, { revision: 9n })).toThrow(TypeError);
  });

  it('hands every reader its own recordedAt, since a frozen Date can still be set', async () => {
    const at = new Date('2024-05-01T10:00:00.000Z');
    const store = createMemoryEventStore({ clock: () => at });
    await store.appendToStream('user-1', [ev(), ev()], { expectedRevision: 'any' })();
    const [first] = await collect(store.readAll());
    first?.recordedAt.setTime(0);
    at.setTime(1);
    const again = await collect(store.readAll());
    expect(again.map((e) => e.recordedAt.toISOString())).toEqual(['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z']);
  });

  it('stores a clone of the data, normalising -0 as JSON would', async () => {
    const store = createMemoryEventStore();
    const data = { n: -0, nested: { list: [1, -0] } };
    await store.appendToStream('user-1', [ev(data)], { expectedRevision: 'any' })();
    data.nested.list.push(3);
    const [stored] = await collect(store.readAll());
    expect(stored?.data).toEqual({ n: 0, nested: { list: [1, 0] } });
    expect(Object.is((stored?.data as { n: number }).n, 0)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined', { a: undefined }],
    ['a function', { f: () => 1 }],
    ['a Map', new Map()],
    ['a class instance', new (class Point { x = 1 })()],
    ['a bigint', 1n],
    ['a sparse array', [1, , 3]],
    ['a symbol key', { [Symbol('s')]: 1 }],
    ['a cycle', (() => { const o: Record<string, unknown> = {}; o['self'] = o; return o; })()],
  ])('rejects %s as data or metadata and writes nothing', async (_, value) => {
    const store = createMemoryEventStore();
    for (const event of [{ ...ev(), data: value as JsonValue }, { ...ev(), metadata: value as JsonValue }]) {
      const r = await store.appendToStream('user-1', [ev(), event], { expectedRevision: 'any' })();
      expect(r).toMatchObject(E.left({ _tag: 'InvalidAppend', stream: 'user-1' }));
    }
    expect(await store.streamRevision('user-1')()).toEqual(E.right('no_stream'));
  });

  it('does not de-duplicate event ids', async () => {
    const store = createMemoryEventStore();
    const event = ev();
    await store.appendToStream('user-1', [event], { expectedRevision: 'any' })();
    await store.appendToStream('user-1', [event], { expectedRevision: 'any' })();
    expect((await collect(store.readAll())).map((e) => e.id)).toEqual([event.id, event.id]);
  });

  it('turns a throwing clock into StoreFailure and writes nothing', async () => {
    const store = createMemoryEventStore({ clock: () => { throw new Error('clock broke'); } });
    const r = await store.appendToStream('user-1', [ev()], { expectedRevision: 'any' })();
    expect(r).toEqual(E.left({ _tag: 'StoreFailure', reason: 'clock broke' }));
    expect(await store.streamRevision('user-1')()).toEqual(E.right('no_stream'));
  });
});

describe('memory event store: paging', () => {
  /** Counts every look at the filter, which the store makes once per log entry it examines. */
  const countingFilter = () => {
    let reads = 0;
    const streamPrefixes = new Proxy(['order-'], {
      get: (target, key, receiver) => {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { filter: { streamPrefixes }, reads: () => reads };
  };

  const bigLog = async (n: number, pageSize: number) => {
    const store = createMemoryEventStore({ pageSize });
    for (let i = 0; i < n; i += 500) {
      await store.appendToStream(`order-${i}`, Array.from({ length: 500 }, () => ev()), { expectedRevision: 'any' })();
    }
    return store;
  };

  it('examines one page per pull, however long the log', async () => {
    const store = await bigLog(10_000, 10);
    const { filter, reads } = countingFilter();
    const it = store.readAll({ filter })[Symbol.asyncIterator]();
    expect(reads()).toBe(0);
    await it.next();
    const onePage = reads();
    expect(onePage).toBeGreaterThan(0);
    // Each of the 10 entries costs a handful of property reads; a full scan would cost 10 000+.
    expect(onePage).toBeLessThan(10 * 10);
    for (let i = 1; i < 10; i++) await it.next();
    expect(reads()).toBe(onePage);
    await it.next();
    expect(reads()).toBe(2 * onePage);
    await it.return?.();
  });

  it('stops pulling after maxCount and after the consumer breaks', async () => {
    const store = await bigLog(1_000, 10);
    const limited = countingFilter();
    expect(await collect(store.readAll({ filter: limited.filter, maxCount: 3 }))).toHaveLength(3);
    const breaking = countingFilter();
    for await (const _ of store.readAll({ filter: breaking.filter })) break;
    expect(limited.reads()).toBeLessThan(10 * 10);
    expect(breaking.reads()).toBe(limited.reads());
  });

  it('sees, at each pull, events appended since the previous one', async () => {
    const store = createMemoryEventStore({ pageSize: 2 });
    const it = store.readAll()[Symbol.asyncIterator]();
    await store.appendToStream('order-1', [ev(), ev(), ev()], { expectedRevision: 'any' })();
    const seen: string[] = [];
    for (let r = await it.next(); r.done !== true; r = await it.next()) {
      seen.push(r.value.streamName);
      if (seen.length === 3) await store.appendToStream('order-2', [ev()], { expectedRevision: 'any' })();
    }
    expect(seen).toEqual(['order-1', 'order-1', 'order-1', 'order-2']);
  });

  it('rejects a page size that is not a positive integer', () => {
    for (const pageSize of [0, -1, 1.5, Number.NaN]) expect(() => createMemoryEventStore({ pageSize })).toThrow(RangeError);
  });
});

describe('memory event store: subscriptions and closing', () => {
  it('gives concurrent next() calls distinct messages in order', async () => {
    const store = createMemoryEventStore();
    const sub = store.subscribeToAll({ from: 'start' });
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value).toEqual({ _tag: 'CaughtUp', position: 'start' });
    const pending = [it.next(), it.next(), it.next()];
    const a = ev();
    const b = ev();
    await store.appendToStream('order-1', [a, b], { expectedRevision: 'no_stream' })();
    const [first, second] = await Promise.all(pending.slice(0, 2));
    expect([first, second].map((r) => (r?.value?._tag === 'Event' ? r.value.event.id : r?.value))).toEqual([a.id, b.id]);
    await sub.close();
    expect((await pending[2])?.done).toBe(true);
  });

  it('fails every operation with Unavailable after close, and is idempotent', async () => {
    const store = createMemoryEventStore();
    await store.appendToStream('order-1', [ev()], { expectedRevision: 'any' })();
    await store.close();
    await store.close();
    const unavailable = { _tag: 'Unavailable', reason: 'the event store is closed' };
    expect(await store.appendToStream('order-1', [ev()], { expectedRevision: 'any' })()).toEqual(E.left(unavailable));
    expect(await store.readStream('order-1')()).toEqual(E.left(unavailable));
    expect(await store.streamRevision('order-1')()).toEqual(E.left(unavailable));
    const failure: unknown = await collect(store.readAll()).then(() => 'resolved', (e: unknown) => e);
    expect(isStoreError(failure)).toBe(true);
    expect(failure).toEqual(unavailable);
    expect(await collect(store.subscribeToAll({ from: 'start' }))).toEqual([]);
  });
});

async function collect<A>(it: AsyncIterable<A>): Promise<A[]> {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
}
