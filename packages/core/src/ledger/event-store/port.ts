import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/**
 * The one event-store port every adapter implements (memory, SQLite, EventStoreDB).
 *
 * Numbering is the same everywhere: stream revisions are 0-based `bigint`s and an absent
 * stream is the distinct value `'no_stream'`, never -1. Global positions are `bigint`s that
 * strictly increase in commit order; they need not be contiguous (EventStoreDB's are byte
 * offsets), so callers compare them and never do arithmetic on them.
 */

export type StreamRevision = bigint;
export type GlobalPosition = bigint;

export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | StreamRevision;
export type ActualRevision = 'no_stream' | StreamRevision;

/** JSON-compatible data: what an adapter may serialise without loss. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue };

export interface EventToAppend {
  /** A UUID chosen by the writer; adapters store it unchanged. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamName: string;
  readonly revision: StreamRevision;
  readonly position: GlobalPosition;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonValue;
  /** When the store committed the event (store time, not business time). */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event written; after the first append to a new stream of two events: 1n. */
  readonly nextExpectedRevision: StreamRevision;
  /** Global position of the last event written. */
  readonly position: GlobalPosition;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Default: the first revision forwards, the last one backwards. */
  readonly fromRevision?: StreamRevision;
  /** A count, not a revision. Default: no limit. */
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive start position. Default: the beginning of the log. */
  readonly fromPosition?: GlobalPosition;
  /** Stop after this many events. Default: no limit. */
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface EventFilter {
  /** Keep events whose stream name starts with one of these prefixes. */
  readonly streamPrefixes?: ReadonlyArray<string>;
  /** Keep events of one of these types. */
  readonly eventTypes?: ReadonlyArray<string>;
}

/** The filter's rule, for events in hand (adapters that filter in their query keep the same rule there). */
export const matchesFilter = (event: { readonly streamName: string; readonly type: string }, filter?: EventFilter): boolean =>
  (filter?.streamPrefixes === undefined || filter.streamPrefixes.some((prefix) => event.streamName.startsWith(prefix))) &&
  (filter?.eventTypes === undefined || filter.eventTypes.includes(event.type));

export interface SubscribeOptions {
  /** Exclusive: the first event delivered is the one after this position. `'start'`: from the beginning. */
  readonly from: GlobalPosition | 'start';
  readonly filter?: EventFilter;
}

export type SubscriptionMessage =
  | { readonly _tag: 'Event'; readonly event: RecordedEvent }
  /** Every event committed when the subscription caught up has been delivered; live events follow. */
  | { readonly _tag: 'CaughtUp'; readonly position: GlobalPosition | 'start' };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Ends the iteration; pending `next()` calls resolve as done. Idempotent. */
  readonly close: () => Promise<void>;
}

export type StoreError =
  | {
      readonly _tag: 'WrongExpectedVersion';
      readonly stream: string;
      readonly expected: ExpectedRevision;
      readonly actual: ActualRevision;
    }
  | { readonly _tag: 'StreamNotFound'; readonly stream: string }
  | { readonly _tag: 'StreamDeleted'; readonly stream: string }
  | { readonly _tag: 'InvalidAppend'; readonly stream: string; readonly reason: string }
  | { readonly _tag: 'Unavailable'; readonly reason: string }
  | { readonly _tag: 'StoreFailure'; readonly reason: string };

export interface EventStore {
  /** Appends atomically: all events or none. An empty list only checks the expected revision. */
  readonly appendToStream: (
    stream: string,
    events: ReadonlyArray<EventToAppend>,
    options: { readonly expectedRevision: ExpectedRevision },
  ) => TaskEither<StoreError, AppendResult>;

  /** Left `StreamNotFound` when the stream has no events. */
  readonly readStream: (
    stream: string,
    options?: ReadStreamOptions,
  ) => TaskEither<StoreError, ReadonlyArray<RecordedEvent>>;

  /** The stream's last revision, or `'no_stream'`. */
  readonly streamRevision: (stream: string) => TaskEither<StoreError, ActualRevision>;

  /**
   * The global log in commit order. Pulled lazily in pages, so a slow consumer holds at most
   * one page in memory (back-pressure). A failure rejects the iteration with a `StoreError`
   * value (tagged data, never an Error subclass to test with `instanceof`).
   */
  readonly readAll: (options?: ReadAllOptions) => AsyncIterable<RecordedEvent>;

  /** Catch-up from an exclusive position, a `CaughtUp` message, then live events. */
  readonly subscribeToAll: (options: SubscribeOptions) => Subscription;

  /** Releases connections and ends open subscriptions. */
  readonly close: () => Promise<void>;
}

export const isStoreError = (u: unknown): u is StoreError =>
  typeof u === 'object' &&
  u !== null &&
  typeof (u as { _tag?: unknown })._tag === 'string' &&
  ['WrongExpectedVersion', 'StreamNotFound', 'StreamDeleted', 'InvalidAppend', 'Unavailable', 'StoreFailure'].includes(
    (u as { _tag: string })._tag,
  );
