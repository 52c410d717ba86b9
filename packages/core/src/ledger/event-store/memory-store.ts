import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { appendProblem, invalidAppend, satisfiesExpectedRevision, storeClosed } from './append-checks.js';
import { serialSubscription } from './serial-subscription.js';
import { matchesFilter } from './port.js';
import type {
  ActualRevision,
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from './port.js';

/**
 * In-memory adapter of the event-store port, the reference the conformance suite is written
 * against.
 *
 * Decisions a caller can observe:
 * - Positions are the log index (0n, 1n, 2n, …). They happen to be contiguous here; the port
 *   does not promise it, so callers must only compare them.
 * - An empty append only checks the expectation. When it holds and the stream has events it
 *   returns the stream's last revision and that event's position. When it holds and the stream
 *   has no events there is no revision to report (the port has no -1), so it is Left
 *   `InvalidAppend`: a no-op would have to invent a revision.
 * - Event ids are not de-duplicated (EventStoreDB only does it best effort; idempotency belongs
 *   to the domain).
 * - Data and metadata are validated as JSON, stored as a deep-frozen structuredClone with -0
 *   normalised to 0, so they read back exactly as from an adapter that serialises to JSON.
 * - After `close()` appends and reads fail with `Unavailable` (`readAll` rejects with it) and new
 *   subscriptions end at once.
 */

export interface MemoryEventStoreOptions {
  readonly clock?: () => Date;
  /** How many log entries `readAll` takes per pull (its back-pressure unit). Default 100. */
  readonly pageSize?: number;
}

interface StoredEvent {
  readonly id: string;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue;
  // A Date cannot be frozen (setTime still works), so time is kept as a number.
  readonly recordedAtMs: number;
}

// Mutates the fresh clone only; never called on caller-owned values.
const normaliseAndFreeze = (value: JsonValue): JsonValue => {
  if (Object.is(value, -0)) return 0;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, JsonValue>;
  for (const key of Object.keys(record)) record[key] = normaliseAndFreeze(record[key] as JsonValue);
  return Object.freeze(value);
};

const storableJson = (value: JsonValue): JsonValue => normaliseAndFreeze(structuredClone(value));


// A fresh shell per read: the shared data is frozen, the Date is new, so no caller can alter the log.
const snapshot = (e: StoredEvent): RecordedEvent =>
  Object.freeze({
    id: e.id,
    streamName: e.streamName,
    revision: e.revision,
    position: e.position,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recordedAt: new Date(e.recordedAtMs),
  });

const countLimit = (maxCount: number | undefined): number =>
  maxCount === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(maxCount));

export const createMemoryEventStore = (options: MemoryEventStoreOptions = {}): EventStore => {
  const clock = options.clock ?? (() => new Date());
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);

  const log: StoredEvent[] = [];
  const streams = new Map<string, StoredEvent[]>();
  const wakers = new Set<() => void>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const actualRevision = (stream: string): ActualRevision => {
    const events = streams.get(stream);
    const last = events?.[events.length - 1];
    return last === undefined ? 'no_stream' : last.revision;
  };

  // Not clamped to the log's length: a start beyond the end must skip the events appended up to it.
  const indexAtOrAfter = (position: bigint): number =>
    position <= 0n ? 0 : position >= BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(position);



  // Synchronous from check to write, so concurrent appends cannot interleave: atomic by construction.
  const append = (stream: string, events: ReadonlyArray<EventToAppend>, expected: ExpectedRevision): E.Either<StoreError, AppendResult> => {
    if (closed) return E.left(storeClosed);
    const problem = appendProblem(stream, events, expected);
    if (problem !== undefined) return E.left(problem);
    const actual = actualRevision(stream);
    if (!satisfiesExpectedRevision(expected, actual)) return E.left({ _tag: 'WrongExpectedVersion', stream, expected, actual });
    const existing = streams.get(stream) ?? [];
    if (events.length === 0) {
      const last = existing[existing.length - 1];
      return last === undefined
        ? E.left(invalidAppend(stream, 'empty append to a stream with no events: there is no revision to return'))
        : E.right({ nextExpectedRevision: last.revision, position: last.position });
    }
    // Build every record before touching the log so a throwing clone leaves nothing behind.
    const recordedAtMs = clock().getTime();
    const firstRevision = actual === 'no_stream' ? 0n : actual + 1n;
    const records = events.map(
      (event, i): StoredEvent =>
        Object.freeze({
          id: event.id,
          streamName: stream,
          revision: firstRevision + BigInt(i),
          position: BigInt(log.length + i),
          type: event.type,
          data: storableJson(event.data),
          metadata: storableJson(event.metadata),
          recordedAtMs,
        }),
    );
    streams.set(stream, existing);
    for (const record of records) {
      log.push(record);
      existing.push(record);
    }
    for (const wake of [...wakers]) wake();
    const last = records[records.length - 1] as StoredEvent;
    return E.right({ nextExpectedRevision: last.revision, position: last.position });
  };

  const guarded =
    <A>(f: () => E.Either<StoreError, A>): TaskEither<StoreError, A> =>
    async () => {
      try {
        return f();
      } catch (e) {
        return E.left({ _tag: 'StoreFailure', reason: e instanceof Error ? e.message : String(e) });
      }
    };

  const readStream = (stream: string, opts: ReadStreamOptions = {}): E.Either<StoreError, ReadonlyArray<RecordedEvent>> => {
    if (closed) return E.left(storeClosed);
    const events = streams.get(stream);
    if (events === undefined || events.length === 0) return E.left({ _tag: 'StreamNotFound', stream });
    const limit = countLimit(opts.maxCount);
    const out: RecordedEvent[] = [];
    // Revisions equal indices within a stream, so the start index is the revision (clamped).
    if ((opts.direction ?? 'forwards') === 'forwards') {
      const from = opts.fromRevision ?? 0n;
      for (let i = from < 0n ? 0 : from >= BigInt(events.length) ? events.length : Number(from); i < events.length && out.length < limit; i++) {
        out.push(snapshot(events[i] as StoredEvent));
      }
    } else {
      const last = events.length - 1;
      const from = opts.fromRevision ?? BigInt(last);
      if (from < 0n) return E.right([]);
      for (let i = from >= BigInt(last) ? last : Number(from); i >= 0 && out.length < limit; i--) {
        out.push(snapshot(events[i] as StoredEvent));
      }
    }
    return E.right(out);
  };

  async function* readAll(opts: ReadAllOptions = {}): AsyncGenerator<RecordedEvent, void, undefined> {
    let remaining = countLimit(opts.maxCount);
    let cursor = indexAtOrAfter(opts.fromPosition ?? 0n);
    while (remaining > 0) {
      if (closed) throw storeClosed;
      const raw = log.slice(cursor, cursor + pageSize);
      // Ends only on an empty pull: events appended while the caller iterates are delivered.
      if (raw.length === 0) return;
      cursor += raw.length;
      const page = raw.filter((e) => matchesFilter(e, opts.filter)).map(snapshot);
      for (const event of page) {
        yield event;
        if (--remaining <= 0) return;
      }
    }
  }

  const subscribeToAll = ({ from, filter }: SubscribeOptions): Subscription => {
    let cursor = from === 'start' ? 0 : indexAtOrAfter(from + 1n);
    let caughtUp = false;
    let done = closed;
    let wake: (() => void) | undefined;

    const waker = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    const pullNow = (): SubscriptionMessage | undefined => {
      while (cursor < log.length) {
        const e = log[cursor++] as StoredEvent;
        if (matchesFilter(e, filter)) return { _tag: 'Event', event: snapshot(e) };
      }
      if (caughtUp) return undefined;
      caughtUp = true;
      const last = log[log.length - 1];
      return { _tag: 'CaughtUp', position: last === undefined ? 'start' : last.position };
    };

    const pull = async (): Promise<IteratorResult<SubscriptionMessage, undefined>> => {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const message = pullNow();
        if (message !== undefined) return { done: false, value: message };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    };

    const close = async (): Promise<void> => {
      done = true;
      wakers.delete(waker);
      subscriptions.delete(subscription);
      waker();
    };


    const subscription = serialSubscription(pull, close);
    if (!done) {
      wakers.add(waker);
      subscriptions.add(subscription);
    }
    return subscription;
  };

  return {
    appendToStream: (stream, events, { expectedRevision }) => guarded(() => append(stream, events, expectedRevision)),
    readStream: (stream, opts) => guarded(() => readStream(stream, opts)),
    streamRevision: (stream) => guarded(() => (closed ? E.left(storeClosed) : E.right(actualRevision(stream)))),
    readAll: (opts) => readAll(opts),
    subscribeToAll,
    close: async () => {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
    },
  };
};
