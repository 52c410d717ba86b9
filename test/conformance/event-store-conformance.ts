import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { describe, expect, it } from 'vitest';
import type {
  ActualRevision,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  RecordedEvent,
  StoreError,
  Subscription,
  SubscriptionMessage,
} from '../../packages/core/src/ledger/event-store/port.js';

/**
 * The behaviour every event-store adapter must show, unchanged. `makeStore` must return an empty,
 * isolated store; each test closes it (closing twice must be harmless). Positions are only ever
 * compared, never computed, because adapters differ in how they number them.
 */

const ev = (type = 'Happened', data: JsonValue = {}): EventToAppend => ({ id: randomUUID(), type, data, metadata: { v: 1 } });

const right = async <A>(te: TaskEither<StoreError, A>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`expected Right, got Left ${JSON.stringify(r.left, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return r.right;
};
const left = async <A>(te: TaskEither<StoreError, A>): Promise<StoreError> => {
  const r = await te();
  if (E.isRight(r)) throw new Error('expected Left, got Right');
  return r.left;
};
const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const nextMessages = async (sub: Subscription, n: number): Promise<SubscriptionMessage[]> => {
  const it = sub[Symbol.asyncIterator]();
  const out: SubscriptionMessage[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done === true) throw new Error(`subscription ended after ${out.length} messages`);
    out.push(r.value);
  }
  return out;
};
const ids = (events: ReadonlyArray<RecordedEvent>): string[] => events.map((e) => e.id);
const eventIds = (ms: ReadonlyArray<SubscriptionMessage>): string[] => ms.flatMap((m) => (m._tag === 'Event' ? [m.event.id] : []));
const appendAny = (s: EventStore, stream: string, events: EventToAppend[]) => right(s.appendToStream(stream, events, { expectedRevision: 'any' }));

// ---- reference model --------------------------------------------------------------------------

interface ModelEvent {
  readonly streamName: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue;
}
interface Model {
  readonly log: ModelEvent[];
  /** Real positions learnt so far, by log index; the last event of every append is always known. */
  readonly positions: Array<bigint | undefined>;
}
type Cmd = fc.AsyncCommand<Model, EventStore>;

const lastIndexOf = (m: Model, stream: string): number => {
  for (let i = m.log.length - 1; i >= 0; i--) if (m.log[i]?.streamName === stream) return i;
  return -1;
};
const revisionOf = (m: Model, stream: string): ActualRevision => m.log[lastIndexOf(m, stream)]?.revision ?? 'no_stream';
const satisfied = (expected: ExpectedRevision, actual: ActualRevision): boolean =>
  expected === 'any' || (expected === 'no_stream' ? actual === 'no_stream' : expected === 'stream_exists' ? actual !== 'no_stream' : expected === actual);
const matches = (e: ModelEvent, f: EventFilter | undefined): boolean =>
  (f?.streamPrefixes?.some((p) => e.streamName.startsWith(p)) ?? true) && (f?.eventTypes?.includes(e.type) ?? true);
const shape = (e: RecordedEvent): ModelEvent => ({ streamName: e.streamName, revision: e.revision, id: e.id, type: e.type, data: e.data, metadata: e.metadata });

/** Records a real position for a log index, checking it keeps positions strictly increasing. */
const observe = (m: Model, index: number, position: bigint): void => {
  const known = m.positions[index];
  if (known !== undefined) return void expect(position).toBe(known);
  m.positions.forEach((p, j) => {
    if (p !== undefined && j < index) expect(position > p, `position of #${index} after #${j}`).toBe(true);
    if (p !== undefined && j > index) expect(position < p, `position of #${index} before #${j}`).toBe(true);
  });
  m.positions[index] = position;
};
const checkAgainst = (m: Model, actual: ReadonlyArray<RecordedEvent>, expectedIndices: number[]): void => {
  expect(actual.map(shape)).toEqual(expectedIndices.map((i) => m.log[i]));
  actual.forEach((e, k) => {
    expect(e.recordedAt).toBeInstanceOf(Date);
    observe(m, expectedIndices[k] as number, e.position);
  });
};

const STREAMS = ['order-1', 'order-2', 'user-1'] as const;
const TYPES = ['Opened', 'Changed', 'Closed'] as const;
const jsonArb: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
const eventArb = fc.record({ type: fc.constantFrom(...TYPES), data: jsonArb, metadata: fc.oneof(fc.constant(null), jsonArb) });
const filterArb = fc.option(
  fc.record({ streamPrefixes: fc.constantFrom(['order-'], ['order-1', 'user-'], ['none-']) as fc.Arbitrary<string[]>, eventTypes: fc.subarray([...TYPES], { minLength: 1 }) }, { requiredKeys: [] }),
  { nil: undefined },
);
const cmd = (label: () => string, run: (m: Model, s: EventStore) => Promise<void>): Cmd => ({ check: () => true, run, toString: label });

const appendCmd = fc
  .record({ stream: fc.constantFrom(...STREAMS), events: fc.array(eventArb, { maxLength: 3 }), mode: fc.constantFrom('correct', 'wrong', 'no_stream', 'stream_exists', 'any'), offset: fc.nat(3) })
  .map(({ stream, events, mode, offset }) => {
    let used: string = mode;
    return cmd(() => `append(${stream}, ${events.length}, ${used})`, async (m, s) => {
      const actual = revisionOf(m, stream);
      // No exact revision is correct for a missing stream, so 'correct' then means 'no_stream'.
      const expected: ExpectedRevision =
        mode === 'correct' ? actual : mode !== 'wrong' ? mode
        : actual === 'no_stream' ? BigInt(offset) : offset === 0 && actual > 0n ? actual - 1n : actual + BigInt(offset || 1);
      used = typeof expected === 'bigint' ? `${expected}n` : expected;
      const toAppend = events.map((e) => ({ ...e, id: randomUUID() }));
      const r = await s.appendToStream(stream, toAppend, { expectedRevision: expected })();
      if (!satisfied(expected, actual)) return void expect(r).toEqual(E.left({ _tag: 'WrongExpectedVersion', stream, expected, actual }));
      if (toAppend.length === 0 && actual === 'no_stream') return void expect(r).toMatchObject(E.left({ _tag: 'InvalidAppend', stream }));
      if (toAppend.length === 0) {
        return void expect(r).toEqual(E.right({ nextExpectedRevision: actual, position: m.positions[lastIndexOf(m, stream)] }));
      }
      const first = actual === 'no_stream' ? 0n : actual + 1n;
      toAppend.forEach((e, i) => m.log.push({ streamName: stream, revision: first + BigInt(i), ...e }));
      if (E.isLeft(r)) throw new Error(`append failed: ${r.left._tag}`);
      expect(r.right.nextExpectedRevision).toBe(first + BigInt(toAppend.length - 1));
      observe(m, m.log.length - 1, r.right.position);
    });
  });

const readStreamCmd = fc
  .record({ stream: fc.constantFrom(...STREAMS), backwards: fc.boolean(), fromRevision: fc.option(fc.bigInt(0n, 6n), { nil: undefined }), maxCount: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }) })
  .map(({ stream, backwards, fromRevision, maxCount }) =>
    cmd(() => `readStream(${stream}, ${backwards ? 'backwards' : 'forwards'}, from ${fromRevision}, max ${maxCount})`, async (m, s) => {
      const r = await s.readStream(stream, { direction: backwards ? 'backwards' : 'forwards', fromRevision, maxCount })();
      let indices = m.log.flatMap((e, i) => (e.streamName === stream ? [i] : []));
      if (indices.length === 0) return void expect(r).toEqual(E.left({ _tag: 'StreamNotFound', stream }));
      const rev = (i: number) => (m.log[i] as ModelEvent).revision;
      indices = backwards ? indices.reverse().filter((i) => fromRevision === undefined || rev(i) <= fromRevision) : indices.filter((i) => rev(i) >= (fromRevision ?? 0n));
      if (E.isLeft(r)) throw new Error(`readStream failed: ${r.left._tag}`);
      checkAgainst(m, r.right, indices.slice(0, maxCount));
    }),
  );

const revisionCmd = fc.constantFrom(...STREAMS).map((stream) =>
  cmd(() => `streamRevision(${stream})`, async (m, s) => expect(await s.streamRevision(stream)()).toEqual(E.right(revisionOf(m, stream)))),
);

const knownIndex = (m: Model, seed: number | undefined): number | undefined => {
  const known = m.positions.flatMap((p, i) => (p === undefined ? [] : [i]));
  return seed === undefined || known.length === 0 ? undefined : known[seed % known.length];
};

const readAllCmd = fc
  .record({ seed: fc.option(fc.nat(), { nil: undefined }), maxCount: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), filter: filterArb })
  .map(({ seed, maxCount, filter }) =>
    cmd(() => `readAll(seed ${seed}, max ${maxCount}, ${JSON.stringify(filter)})`, async (m, s) => {
      const from = knownIndex(m, seed);
      const actual = await collect(s.readAll({ fromPosition: from === undefined ? undefined : m.positions[from], maxCount, filter }));
      const indices = m.log.flatMap((e, i) => (i >= (from ?? 0) && matches(e, filter) ? [i] : []));
      checkAgainst(m, actual, indices.slice(0, maxCount));
    }),
  );

const subscribeCmd = fc.record({ seed: fc.option(fc.nat(), { nil: undefined }), filter: filterArb }).map(({ seed, filter }) =>
  cmd(() => `subscribeToAll(seed ${seed}, ${JSON.stringify(filter)})`, async (m, s) => {
    const from = knownIndex(m, seed);
    const indices = m.log.flatMap((e, i) => (i > (from ?? -1) && matches(e, filter) ? [i] : []));
    const sub = s.subscribeToAll({ from: from === undefined ? 'start' : (m.positions[from] as bigint), filter });
    const events: RecordedEvent[] = [];
    let caughtUp: SubscriptionMessage | undefined;
    for await (const x of sub) {
      if (x._tag === 'CaughtUp') {
        caughtUp = x;
        break;
      }
      events.push(x.event);
    }
    checkAgainst(m, events, indices);
    expect(caughtUp).toEqual({ _tag: 'CaughtUp', position: m.log.length === 0 ? 'start' : m.positions[m.log.length - 1] });
  }),
);

// ---- suite -------------------------------------------------------------------------------------

export const describeEventStoreConformance = (adapterName: string, makeStore: () => Promise<EventStore>, options?: { numRuns?: number }): void => {
  const numRuns = options?.numRuns ?? 200;
  const withStore = (f: (s: EventStore) => Promise<void>) => async () => {
    const s = await makeStore();
    try {
      await f(s);
    } finally {
      await s.close();
    }
  };

  describe(`${adapterName}: event-store conformance`, () => {
    it('matches the reference model on random command sequences', async () => {
      await fc.assert(
        // appendCmd twice: writes twice as likely as each read, so streams grow long enough to page.
        fc.asyncProperty(fc.commands([appendCmd, appendCmd, readStreamCmd, revisionCmd, readAllCmd, subscribeCmd], { maxCommands: 40, size: 'max' }), async (cmds) => {
          const s = await makeStore();
          try {
            await fc.asyncModelRun(() => ({ model: { log: [], positions: [] } as Model, real: s }), cmds);
          } finally {
            await s.close();
          }
        }),
        { numRuns },
      );
    }, 60_000);

    describe('appending', () => {
      it('numbers revisions from 0n: one event gives 0n, two give 1n', withStore(async (s) => {
        expect((await right(s.appendToStream('order-1', [ev()], { expectedRevision: 'no_stream' }))).nextExpectedRevision).toBe(0n);
        expect((await right(s.appendToStream('order-2', [ev(), ev()], { expectedRevision: 'no_stream' }))).nextExpectedRevision).toBe(1n);
        expect(await right(s.streamRevision('order-2'))).toBe(1n);
        expect(await right(s.streamRevision('order-3'))).toBe('no_stream');
      }));

      it('reports WrongExpectedVersion with expected and actual for each mode', withStore(async (s) => {
        await right(s.appendToStream('order-1', [ev(), ev()], { expectedRevision: 'no_stream' }));
        const wev = (stream: string, expected: ExpectedRevision, actual: ActualRevision) => ({ _tag: 'WrongExpectedVersion', stream, expected, actual });
        expect(await left(s.appendToStream('order-1', [ev()], { expectedRevision: 0n }))).toEqual(wev('order-1', 0n, 1n));
        expect(await left(s.appendToStream('order-1', [ev()], { expectedRevision: 'no_stream' }))).toEqual(wev('order-1', 'no_stream', 1n));
        expect(await left(s.appendToStream('order-9', [ev()], { expectedRevision: 'stream_exists' }))).toEqual(wev('order-9', 'stream_exists', 'no_stream'));
        expect(await left(s.appendToStream('order-9', [ev()], { expectedRevision: 0n }))).toEqual(wev('order-9', 0n, 'no_stream'));
        expect((await right(s.appendToStream('order-1', [ev()], { expectedRevision: 'any' }))).nextExpectedRevision).toBe(2n);
        expect((await right(s.appendToStream('order-1', [ev()], { expectedRevision: 'stream_exists' }))).nextExpectedRevision).toBe(3n);
        expect((await right(s.appendToStream('order-1', [ev()], { expectedRevision: 3n }))).nextExpectedRevision).toBe(4n);
      }));

      it('writes nothing when an append fails', withStore(async (s) => {
        await appendAny(s, 'order-1', [ev()]);
        const before = await collect(s.readAll());
        await left(s.appendToStream('order-1', [ev(), ev()], { expectedRevision: 5n }));
        expect(await left(s.appendToStream('order-1', [ev(), { ...ev(), id: 'not-a-uuid' }], { expectedRevision: 'any' }))).toMatchObject({ _tag: 'InvalidAppend', stream: 'order-1' });
        const notJson = { ...ev(), data: { at: new Date() } as unknown as JsonValue };
        expect(await left(s.appendToStream('order-1', [ev(), notJson], { expectedRevision: 'any' }))).toMatchObject({ _tag: 'InvalidAppend' });
        expect(await left(s.appendToStream('order-1', [ev()], { expectedRevision: -1n }))).toMatchObject({ _tag: 'InvalidAppend' });
        expect(ids(await collect(s.readAll()))).toEqual(ids(before));
        expect(await right(s.streamRevision('order-1'))).toBe(0n);
      }));

      it('rejects empty and $-prefixed stream names', withStore(async (s) => {
        for (const stream of ['', '$all', '$ce-order']) {
          expect(await left(s.appendToStream(stream, [ev()], { expectedRevision: 'any' }))).toMatchObject({ _tag: 'InvalidAppend', stream });
        }
        expect(await collect(s.readAll())).toEqual([]);
      }));

      it('treats an empty append as an expectation check only', withStore(async (s) => {
        const written = await right(s.appendToStream('order-1', [ev(), ev()], { expectedRevision: 'no_stream' }));
        expect(await right(s.appendToStream('order-1', [], { expectedRevision: 1n }))).toEqual(written);
        expect(await right(s.appendToStream('order-1', [], { expectedRevision: 'stream_exists' }))).toEqual(written);
        expect(await left(s.appendToStream('order-1', [], { expectedRevision: 0n }))).toMatchObject({ _tag: 'WrongExpectedVersion', actual: 1n });
        expect(await left(s.appendToStream('order-2', [], { expectedRevision: 'stream_exists' }))).toMatchObject({ _tag: 'WrongExpectedVersion', actual: 'no_stream' });
        // A missing stream has no revision to report, so a satisfied empty append is refused.
        expect(await left(s.appendToStream('order-2', [], { expectedRevision: 'no_stream' }))).toMatchObject({ _tag: 'InvalidAppend', stream: 'order-2' });
        expect(await left(s.appendToStream('order-2', [], { expectedRevision: 'any' }))).toMatchObject({ _tag: 'InvalidAppend', stream: 'order-2' });
        expect((await collect(s.readAll())).length).toBe(2);
      }));

      it('lets exactly one of several concurrent appends with the same expectation win', withStore(async (s) => {
        await appendAny(s, 'order-1', [ev()]);
        const results = await Promise.all([0, 1, 2, 3, 4].map(() => s.appendToStream('order-1', [ev()], { expectedRevision: 0n })()));
        expect(results.filter(E.isRight)).toHaveLength(1);
        for (const r of results.filter(E.isLeft)) expect(r.left).toEqual({ _tag: 'WrongExpectedVersion', stream: 'order-1', expected: 0n, actual: 1n });
        const fresh = await Promise.all([0, 1, 2].map(() => s.appendToStream('user-1', [ev(), ev()], { expectedRevision: 'no_stream' })()));
        expect(fresh.filter(E.isRight)).toHaveLength(1);
        expect(await right(s.readStream('user-1'))).toHaveLength(2);
      }));

      it('keeps stored events independent of the caller’s objects', withStore(async (s) => {
        const data = { name: 'Ada', tags: ['a'] };
        await appendAny(s, 'user-1', [ev('Named', data)]);
        data.tags.push('mutated');
        const [read] = await right(s.readStream('user-1'));
        try {
          (read?.data as { tags: string[] }).tags.push('mutated');
          (read as { type: string }).type = 'Hacked';
        } catch {
          // Frozen snapshots refuse the mutation; copies accept it. Either way the store must not change.
        }
        expect((await right(s.readStream('user-1')))[0]).toMatchObject({ type: 'Named', data: { name: 'Ada', tags: ['a'] } });
      }));
    });

    describe('reading', () => {
      it('reads streams inclusively, forwards and backwards, with maxCount', withStore(async (s) => {
        const events = [ev(), ev(), ev(), ev()];
        await right(s.appendToStream('order-1', events, { expectedRevision: 'no_stream' }));
        const e = events.map((x) => x.id);
        expect(ids(await right(s.readStream('order-1', { fromRevision: 1n, maxCount: 2 })))).toEqual([e[1], e[2]]);
        expect(ids(await right(s.readStream('order-1', { direction: 'backwards', fromRevision: 1n })))).toEqual([e[1], e[0]]);
        expect(ids(await right(s.readStream('order-1', { direction: 'backwards', maxCount: 1 })))).toEqual([e[3]]);
        expect(await right(s.readStream('order-1', { fromRevision: 4n }))).toEqual([]);
        expect(await left(s.readStream('order-2'))).toEqual({ _tag: 'StreamNotFound', stream: 'order-2' });
      }));

      it('reads the global log from an inclusive position, filtered, in strictly increasing positions', withStore(async (s) => {
        await appendAny(s, 'order-1', [ev('Opened'), ev('Changed')]);
        await appendAny(s, 'user-1', [ev('Opened')]);
        await appendAny(s, 'order-2', [ev('Opened')]);
        const all = await collect(s.readAll());
        expect(all.map((e) => e.streamName)).toEqual(['order-1', 'order-1', 'user-1', 'order-2']);
        all.slice(1).forEach((e, i) => expect(e.position > (all[i] as RecordedEvent).position).toBe(true));
        expect(ids(await collect(s.readAll({ fromPosition: all[1]?.position })))).toEqual(ids(all.slice(1)));
        expect(ids(await collect(s.readAll({ fromPosition: all[1]?.position, maxCount: 2 })))).toEqual(ids(all.slice(1, 3)));
        expect((await collect(s.readAll({ filter: { streamPrefixes: ['order-'], eventTypes: ['Opened'] } }))).map((e) => e.streamName)).toEqual(['order-1', 'order-2']);
      }));

      it('pulls the log lazily: events appended during iteration are read', withStore(async (s) => {
        await appendAny(s, 'order-1', [ev(), ev(), ev()]);
        const it = s.readAll()[Symbol.asyncIterator]();
        const first = await it.next();
        const late = await appendAny(s, 'order-2', [ev(), ev()]);
        const rest: RecordedEvent[] = [];
        for (let r = await it.next(); r.done !== true; r = await it.next()) rest.push(r.value);
        expect(first.done).toBe(false);
        expect(rest.map((e) => e.streamName)).toEqual(['order-1', 'order-1', 'order-2', 'order-2']);
        expect(rest.at(-1)?.position).toBe(late.position);
      }));
    });

    describe('subscribing to all', () => {
      it('catches up, signals CaughtUp at the last position, then delivers live events', withStore(async (s) => {
        const sub = s.subscribeToAll({ from: 'start' });
        expect(await nextMessages(sub, 1)).toEqual([{ _tag: 'CaughtUp', position: 'start' }]);
        const a = await appendAny(s, 'order-1', [ev(), ev()]);
        expect(eventIds(await nextMessages(sub, 2))).toHaveLength(2);
        await sub.close();
        const again = s.subscribeToAll({ from: 'start' });
        const b = await appendAny(s, 'order-2', [ev()]);
        const ms = await nextMessages(again, 4);
        expect(eventIds(ms)).toHaveLength(3);
        expect(ms[3]).toEqual({ _tag: 'CaughtUp', position: b.position });
        expect(a.position < b.position).toBe(true);
        const live = ev();
        await appendAny(s, 'order-2', [live]);
        expect(eventIds(await nextMessages(again, 1))).toEqual([live.id]);
        await again.close();
      }));

      it('delivers every event exactly once, in order, when appends race the catch-up', withStore(async (s) => {
        for (let i = 0; i < 20; i++) await appendAny(s, `order-${i % 3}`, [ev()]);
        const sub = s.subscribeToAll({ from: 'start' });
        const writer = (async () => {
          for (let i = 0; i < 20; i++) {
            await new Promise((r) => setImmediate(r));
            await appendAny(s, `user-${i % 2}`, [ev()]);
          }
        })();
        const seen: RecordedEvent[] = [];
        const caughtUp: Array<{ position: bigint | 'start'; after: number }> = [];
        const inline: Array<Promise<unknown>> = [];
        for await (const m of sub) {
          if (m._tag === 'CaughtUp') caughtUp.push({ position: m.position, after: seen.length });
          else seen.push(m.event);
          if (m._tag === 'Event' && [1, 5, 10].includes(seen.length)) inline.push(appendAny(s, 'order-9', [ev()]));
          if (seen.length === 43) break;
        }
        await Promise.all([writer, ...inline]);
        expect(ids(seen)).toEqual(ids(await collect(s.readAll())));
        expect(caughtUp).toHaveLength(1);
        const cu = caughtUp[0] as { position: bigint; after: number };
        seen.forEach((e, i) => expect(i < cu.after ? e.position <= cu.position : e.position > cu.position).toBe(true));
      }));

      it('resumes after an exclusive position and applies filters', withStore(async (s) => {
        await appendAny(s, 'order-1', [ev('Opened'), ev('Changed')]);
        await appendAny(s, 'user-1', [ev('Opened')]);
        await appendAny(s, 'order-2', [ev('Opened')]);
        const all = await collect(s.readAll());
        const resumed = s.subscribeToAll({ from: (all[1] as RecordedEvent).position });
        expect(eventIds(await nextMessages(resumed, 3))).toEqual(ids(all.slice(2)));
        const filtered = s.subscribeToAll({ from: 'start', filter: { streamPrefixes: ['order-'], eventTypes: ['Opened'] } });
        const ms = await nextMessages(filtered, 3);
        expect(eventIds(ms)).toEqual([all[0]?.id, all[3]?.id]);
        expect(ms[2]).toEqual({ _tag: 'CaughtUp', position: all[3]?.position });
        await appendAny(s, 'user-1', [ev('Opened')]);
        const next = ev('Opened');
        await appendAny(s, 'order-1', [next]);
        expect(eventIds(await nextMessages(filtered, 1))).toEqual([next.id]);
        await Promise.all([resumed.close(), filtered.close()]);
      }));

      it('ends on close(), on break, and when the store closes', withStore(async (s) => {
        const sub = s.subscribeToAll({ from: 'start' });
        const it = sub[Symbol.asyncIterator]();
        await it.next();
        const pending = it.next();
        await sub.close();
        await sub.close();
        expect((await pending).done).toBe(true);
        expect((await it.next()).done).toBe(true);

        const broken = s.subscribeToAll({ from: 'start' });
        const bit = broken[Symbol.asyncIterator]();
        for await (const m of { [Symbol.asyncIterator]: () => bit }) if (m._tag === 'CaughtUp') break;
        await appendAny(s, 'order-1', [ev()]);
        expect((await bit.next()).done).toBe(true);

        const open = s.subscribeToAll({ from: 'start' });
        const oit = open[Symbol.asyncIterator]();
        await nextMessages(open, 2);
        const waiting = oit.next();
        await s.close();
        expect((await waiting).done).toBe(true);
      }));
    });
  });
};
