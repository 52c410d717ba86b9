import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import {
  appendProblem,
  invalidAppend,
  isStoreError,
  satisfiesExpectedRevision,
  serialSubscription,
  storeClosed,
  type ActualRevision,
  type EventFilter,
  type EventStore,
  type GlobalPosition,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoreError,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionMessage,
} from '@idledger/core/ledger';
import type { EsdbWire, LiveSubscription, WireEvent } from './client.js';

/**
 * The event-store port on EventStoreDB.
 *
 * - One EventStoreDB stream per port stream, same name. Revisions are EventStoreDB's own (both
 *   0-based) and the four expected-revision modes pass through unchanged; the server enforces
 *   them, so concurrent writers in other processes are fenced too.
 * - Positions are the events' `$all` positions (see client.ts), compared, never computed.
 * - `$all` holds system records (`$metadata`, tombstones, `$`-prefixed streams); reads and
 *   subscriptions of the port never show them.
 * - A subscription catches up by paging `$all` up to the end of the log as it was at its first
 *   pull, emits `CaughtUp` at the last event it read, then follows a server-side filtered catch-up subscription from exactly that point, so no event is
 *   missed or repeated at the hand-over. A failure (the connection dropped, the node went away)
 *   ends the iteration with `Unavailable`; the caller resubscribes from its checkpoint, as the
 *   projection runner does.
 * - Appends are never retried here: after `Unavailable` the append may or may not have been
 *   written, and only the caller's expected revision can tell a retry from a duplicate.
 */

export interface EventStoreDbEventStoreOptions {
  /** Events per `$all` read while paging (`readAll` and subscription catch-up). Default 500. */
  readonly pageSize?: number;
  /**
   * Prefixed to every stream name on the server; the store sees only its own streams, named
   * without it. Lets several ledgers (or test runs) share one database. Default: none.
   */
  readonly streamNamespace?: string;
}

const isSystem = (event: WireEvent): boolean => event.type.startsWith('$') || event.streamName.startsWith('$');

const countLimit = (maxCount: number | undefined): number => (maxCount === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(maxCount)));

// Log positions are unsigned on the server; anything below 0 means the start of the log.
const fromLogStart = (position: GlobalPosition | 'start'): GlobalPosition | 'start' => (position === 'start' || position < 0n ? 'start' : position);

const asStoreError = (error: unknown): StoreError =>
  isStoreError(error) ? error : { _tag: 'StoreFailure', reason: error instanceof Error ? error.message : String(error) };

export const createEventStoreDbEventStore = (wire: EsdbWire, options: EventStoreDbEventStoreOptions = {}): EventStore => {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const namespace = options.streamNamespace ?? '';
  if (namespace.startsWith('$')) throw new RangeError('streamNamespace must not start with "$": such streams are system streams');
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const onServer = (stream: string) => namespace + stream;
  const isOurs = (event: WireEvent) => !isSystem(event) && event.streamName.startsWith(namespace);
  const matches = (event: WireEvent, filter: EventFilter | undefined): boolean => {
    if (!isOurs(event)) return false;
    const stream = event.streamName.slice(namespace.length);
    return (filter?.streamPrefixes?.some((prefix) => stream.startsWith(prefix)) ?? true) && (filter?.eventTypes?.includes(event.type) ?? true);
  };
  // Wire events arrive frozen and fresh; only a namespace needs a renamed copy.
  const recorded = (event: WireEvent): RecordedEvent =>
    namespace === '' ? event : Object.freeze({ ...event, streamName: event.streamName.slice(namespace.length) });
  /** Names the caller's stream in errors about a server stream. */
  const named = (stream: string) => (error: unknown): never => {
    throw isStoreError(error) && 'stream' in error ? { ...error, stream } : error;
  };

  const attempt =
    <A>(f: () => Promise<A>): TaskEither<StoreError, A> =>
    async () => {
      if (closed) return E.left(storeClosed);
      try {
        return E.right(await f());
      } catch (error) {
        return E.left(asStoreError(error));
      }
    };

  const lastEvent = async (stream: string): Promise<WireEvent | undefined> => {
    try {
      return (await wire.readStream(onServer(stream), { from: 'end', backwards: true, maxCount: 1 }).catch(named(stream)))[0];
    } catch (error) {
      if (isStoreError(error) && error._tag === 'StreamNotFound') return undefined;
      throw error;
    }
  };

  const actualRevision = async (stream: string): Promise<ActualRevision> => (await lastEvent(stream))?.revision ?? 'no_stream';

  const appendToStream: EventStore['appendToStream'] = (stream, events, { expectedRevision }) => {
    const problem = appendProblem(stream, events, expectedRevision);
    if (problem !== undefined) return async () => (closed ? E.left(storeClosed) : E.left(problem));
    if (events.length > 0) {
      return attempt(async () => {
        const written = await wire.append(onServer(stream), events, expectedRevision).catch(named(stream));
        return { nextExpectedRevision: written.revision, position: written.position };
      });
    }
    // An empty append only checks the expectation (EventStoreDB would acknowledge it without a position).
    return async () => {
      const last = await attempt(() => lastEvent(stream))();
      if (E.isLeft(last)) return last;
      const actual = last.right?.revision ?? 'no_stream';
      if (!satisfiesExpectedRevision(expectedRevision, actual)) return E.left({ _tag: 'WrongExpectedVersion', stream, expected: expectedRevision, actual });
      return last.right === undefined
        ? E.left(invalidAppend(stream, 'empty append to a stream with no events: there is no revision to return'))
        : E.right({ nextExpectedRevision: last.right.revision, position: last.right.position });
    };
  };

  const readStream = (stream: string, opts: ReadStreamOptions = {}) =>
    attempt(async () => {
      const backwards = opts.direction === 'backwards';
      const limit = countLimit(opts.maxCount);
      const from = opts.fromRevision;
      // EventStoreDB revisions are unsigned: a negative start means the first event forwards and nothing backwards.
      if (from !== undefined && from < 0n) {
        if ((await lastEvent(stream)) === undefined) throw { _tag: 'StreamNotFound', stream } satisfies StoreError;
        if (backwards) return [];
      }
      const events = await wire.readStream(onServer(stream), {
        from: from === undefined || from < 0n ? (backwards ? 'end' : 'start') : from,
        backwards,
        maxCount: Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER,
      }).catch(named(stream));
      return events.map(recorded);
    });

  const page = async (from: GlobalPosition | 'start', inclusive: boolean): Promise<{ events: WireEvent[]; exhausted: boolean }> => {
    // Reads are inclusive: to read after a position, read from it and drop it.
    const skipFirst = !inclusive && from !== 'start';
    const raw = await wire.readAll({ from, backwards: false, maxCount: pageSize + (skipFirst ? 1 : 0) });
    const events = skipFirst ? raw.filter((event) => event.position > from) : raw;
    return { events, exhausted: events.length < pageSize };
  };
  const pageAfter = (after: GlobalPosition | 'start') => page(after, false);

  async function* readAll(opts: ReadAllOptions = {}): AsyncGenerator<RecordedEvent, void, undefined> {
    let remaining = countLimit(opts.maxCount);
    let cursor = fromLogStart(opts.fromPosition ?? 'start');
    let inclusive = true;
    while (remaining > 0) {
      if (closed) throw storeClosed;
      let pulled: { events: WireEvent[]; exhausted: boolean };
      try {
        pulled = await page(cursor, inclusive);
      } catch (error) {
        throw asStoreError(error);
      }
      inclusive = false;
      for (const event of pulled.events) {
        cursor = event.position;
        if (!matches(event, opts.filter)) continue;
        yield recorded(event);
        if (--remaining <= 0) return;
      }
      // Ends only on an empty pull: events appended while the caller iterates are delivered.
      if (pulled.events.length === 0) return;
    }
  }

  const subscribeToAll = ({ from, filter }: SubscribeOptions): Subscription => {
    let cursor = fromLogStart(from);
    let lastUserEvent: GlobalPosition | 'start' = from;
    const queue: SubscriptionMessage[] = [];
    let caughtUp = false;
    let target: GlobalPosition | 'empty' | undefined;
    let live: LiveSubscription | undefined;
    let liveIterator: AsyncIterator<WireEvent> | undefined;
    let done = closed;
    let stop: () => void = () => undefined;
    const stopped = new Promise<'stopped'>((resolve) => {
      stop = () => resolve('stopped');
    });

    const nextLive = async (): Promise<WireEvent | 'stopped'> => {
      if (liveIterator === undefined) {
        const prefixes = filter?.streamPrefixes?.map(onServer) ?? (namespace === '' ? [] : [namespace]);
        // The server filters on one field; the other, and the namespace, are checked here too.
        live = wire.subscribeToAll({ after: cursor, streamPrefixes: prefixes, ...(filter?.eventTypes === undefined ? {} : { eventTypes: filter.eventTypes }) });
        liveIterator = live[Symbol.asyncIterator]();
      }
      const result = await Promise.race([liveIterator.next(), stopped]);
      if (result === 'stopped') return 'stopped';
      if (result.done === true) throw { _tag: 'Unavailable', reason: 'the subscription ended on the server' } satisfies StoreError;
      return result.value;
    };

    const take = (event: WireEvent) => {
      cursor = event.position;
      if (matches(event, filter)) queue.push({ _tag: 'Event', event: recorded(event) });
    };

    const pull = async (): Promise<IteratorResult<SubscriptionMessage, undefined>> => {
      for (;;) {
        if (done) return { done: true, value: undefined };
        const message = queue.shift();
        if (message !== undefined) return { done: false, value: message };
        try {
          if (!caughtUp) {
            // The catch-up aims at the end of the log as it is now, so it ends even while writers keep appending.
            if (target === undefined) {
              const last = await Promise.race([wire.readAll({ from: 'end', backwards: true, maxCount: 1 }), stopped]);
              if (last === 'stopped') continue;
              target = last[0]?.position ?? 'empty';
            }
            const end = target;
            const reached = () => end === 'empty' || (cursor !== 'start' && cursor >= end);
            if (!reached()) {
              const page = await Promise.race([pageAfter(cursor), stopped]);
              if (page === 'stopped') continue;
              for (const event of page.events) {
                if (isOurs(event)) lastUserEvent = event.position;
                take(event);
              }
              if (!page.exhausted && !reached()) continue;
            }
            caughtUp = true;
            queue.push({ _tag: 'CaughtUp', position: lastUserEvent });
            continue;
          }
          const next = await nextLive();
          if (next !== 'stopped') take(next);
        } catch (error) {
          await close();
          throw asStoreError(error);
        }
      }
    };

    const close = async (): Promise<void> => {
      if (done) return;
      done = true;
      stop();
      subscriptions.delete(subscription);
      await live?.unsubscribe().catch(() => undefined);
    };

    const subscription = serialSubscription(pull, close);
    if (!done) subscriptions.add(subscription);
    return subscription;
  };

  return {
    appendToStream,
    readStream,
    streamRevision: (stream) => attempt(() => actualRevision(stream)),
    readAll: (opts) => readAll(opts),
    subscribeToAll,
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      await wire.dispose();
    },
  };
};
