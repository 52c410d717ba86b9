import {
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { ExpectedRevision, JsonValue, RecordedEvent, StoreError } from '@idledger/core/ledger';

/**
 * The only module that knows the client package. Everything above it speaks in plain values
 * (`WireEvent`, bigint positions, `StoreError`), so moving to `@kurrent/kurrentdb-client` (same
 * gRPC paths, `KurrentDBClient` in place of `EventStoreDBClient`) changes this file alone.
 *
 * Positions: a gRPC append writes each event as its own committed record, so commit = prepare
 * for every event the adapter reads back (EventStoreDB's `$all` reader builds the position from
 * the record's log position for both). The adapter's single `bigint` position is that value,
 * and a position is handed back to the server as `{ commit: p, prepare: p }`.
 */

/** An event as read back: the port's own record shape, system events of `$all` included. */
export type WireEvent = RecordedEvent;

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue;
}

export type WirePoint = 'start' | 'end' | bigint;

export interface LiveSubscription extends AsyncIterable<WireEvent> {
  readonly unsubscribe: () => Promise<void>;
}

export interface EsdbWire {
  /** Resolves with the last written revision and position; rejects with a `StoreError`. */
  readonly append: (stream: string, events: ReadonlyArray<ProposedEvent>, expected: ExpectedRevision) => Promise<{ revision: bigint; position: bigint }>;
  /** A bounded read of one stream; rejects with a `StoreError` (`StreamNotFound` for a missing stream). */
  readonly readStream: (stream: string, options: { from: WirePoint; backwards: boolean; maxCount: number }) => Promise<WireEvent[]>;
  /** A bounded read of `$all` from an inclusive point, system events included. */
  readonly readAll: (options: { from: WirePoint; backwards: boolean; maxCount: number }) => Promise<WireEvent[]>;
  /**
   * Live events after an exclusive point, filtered on the server by stream prefix, else by exact
   * event type, else to non-system events only.
   */
  readonly subscribeToAll: (options: { after: WirePoint; streamPrefixes?: ReadonlyArray<string>; eventTypes?: ReadonlyArray<string> }) => LiveSubscription;
  readonly dispose: () => Promise<void>;
}

// Metadata goes as ready JSON bytes, so null, 0, false and '' are written too (the client skips
// falsy metadata objects). A plain Uint8Array: the client tests `constructor === Uint8Array`, which a Buffer fails.
const bytes = (value: JsonValue): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));

// Events this adapter wrote are JSON with JSON metadata; anything else found in $all (another
// application's binary events) is passed on as base64 text rather than dropped.
const asJson = (value: unknown): JsonValue =>
  value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value === undefined ? null : (value as JsonValue);

const toWireEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): WireEvent | undefined => {
  const event = resolved.event;
  if (event === undefined) return undefined;
  return Object.freeze({
    id: event.id,
    streamName: event.streamId,
    revision: event.revision,
    position: event.position?.prepare ?? resolved.commitPosition ?? -1n,
    type: event.type,
    data: asJson(event.data),
    metadata: asJson(event.metadata),
    recordedAt: event.created,
  });
};

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const positionOf = (point: WirePoint) => (typeof point === 'bigint' ? { commit: point, prepare: point } : point);

// gRPC status codes: CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE.
const TRANSIENT_GRPC_CODES = new Set([1, 4, 14]);

/** Client errors carry a string `type`; they are told apart by it, never by `instanceof`. */
export const storeErrorOf = (error: unknown, context: { stream?: string; expected?: ExpectedRevision } = {}): StoreError => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { type?: unknown; code?: unknown; message?: unknown; actualVersion?: unknown; streamName?: unknown };
  const reason = typeof e.message === 'string' ? e.message : String(error);
  const stream = context.stream ?? (typeof e.streamName === 'string' ? e.streamName : '');
  switch (e.type) {
    case 'wrong-expected-version':
      return {
        _tag: 'WrongExpectedVersion',
        stream,
        expected: context.expected ?? 'any',
        actual: typeof e.actualVersion === 'bigint' ? e.actualVersion : 'no_stream',
      };
    case 'stream-not-found':
      return { _tag: 'StreamNotFound', stream };
    case 'stream-deleted':
      return { _tag: 'StreamDeleted', stream };
    case 'maximum-append-size-exceeded':
      return { _tag: 'InvalidAppend', stream, reason };
    case 'unavailable':
    case 'deadline-exceeded':
    case 'timeout':
    case 'cancelled':
    case 'not-leader':
      return { _tag: 'Unavailable', reason: `${e.type}: ${reason}` };
    default:
      // Some paths (channel set-up, the server-features probe) reject with the raw gRPC error.
      if (e.type === undefined && typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return { _tag: 'Unavailable', reason };
      return { _tag: 'StoreFailure', reason: typeof e.type === 'string' ? `${e.type}: ${reason}` : reason };
  }
};

const collect = async (iterable: AsyncIterable<ResolvedEvent | AllStreamResolvedEvent>, stream?: string): Promise<WireEvent[]> => {
  const out: WireEvent[] = [];
  try {
    for await (const resolved of iterable) {
      const event = toWireEvent(resolved);
      if (event !== undefined) out.push(event);
    }
  } catch (error) {
    throw storeErrorOf(error, stream === undefined ? {} : { stream });
  }
  return out;
};

export const connectWire = (connectionString: string): EsdbWire => wireOnClient(EventStoreDBClient.connectionString(connectionString));

/** The wire over a client the caller made; `dispose()` disposes it. */
export const wireOnClient = (client: EventStoreDBClient): EsdbWire => {
  return {
    append: async (stream, events, expected) => {
      try {
        const result = await client.appendToStream(
          stream,
          events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: bytes(event.metadata) })),
          { expectedRevision: expected },
        );
        if (result.position === undefined) throw { type: 'no-position', message: 'the server acknowledged the append without a position' };
        return { revision: result.nextExpectedRevision, position: result.position.prepare };
      } catch (error) {
        throw storeErrorOf(error, { stream, expected });
      }
    },
    readStream: (stream, { from, backwards, maxCount }) =>
      collect(client.readStream(stream, { fromRevision: from, direction: backwards ? 'backwards' : 'forwards', maxCount }), stream),
    readAll: ({ from, backwards, maxCount }) =>
      collect(client.readAll({ fromPosition: positionOf(from), direction: backwards ? 'backwards' : 'forwards', maxCount })),
    subscribeToAll: ({ after, streamPrefixes, eventTypes }) => {
      const filter =
        streamPrefixes !== undefined && streamPrefixes.length > 0
          ? streamNameFilter({ prefixes: [...streamPrefixes] })
          : eventTypes !== undefined && eventTypes.length > 0
            ? eventTypeFilter({ regex: `^(?:${eventTypes.map(escapeRegex).join('|')})$` })
            : excludeSystemEvents();
      const subscription = client.subscribeToAll({ fromPosition: positionOf(after), filter });
      return {
        unsubscribe: () => subscription.unsubscribe(),
        [Symbol.asyncIterator]: async function* () {
          try {
            for await (const resolved of subscription) {
              const event = toWireEvent(resolved);
              if (event !== undefined) yield event;
            }
          } catch (error) {
            throw storeErrorOf(error);
          }
        },
      };
    },
    dispose: () => client.dispose(),
  };
};
