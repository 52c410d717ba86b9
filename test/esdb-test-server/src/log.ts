/**
 * The test server's database: one in-memory transaction log with EventStoreDB's numbering and
 * rules, independent of gRPC. Positions are byte-like offsets (they grow by each record's size,
 * so they are strictly increasing but not contiguous), commit = prepare for every record (as for
 * every event a gRPC append writes on a real server), revisions are 0-based per stream.
 */

export const DELETED_STREAM_REVISION = 9_223_372_036_854_775_807n; // long.MaxValue: tombstones and soft-delete $tb
const TICKS_PER_MS = 10_000n;

export interface StoredRecord {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  /** 100-nanosecond ticks since the Unix epoch, as the server's `created` metadata entry. */
  readonly created: bigint;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type Expected = 'any' | 'no_stream' | 'stream_exists' | bigint;
export type Actual = 'no_stream' | bigint;

export type WriteOutcome =
  /** `revision` is the stream's last; an empty append to a missing stream writes nothing and has no position. */
  | { readonly _tag: 'Written'; readonly revision: Actual; readonly position: bigint | undefined }
  | { readonly _tag: 'WrongExpectedVersion'; readonly actual: Actual }
  | { readonly _tag: 'StreamDeleted' }
  | { readonly _tag: 'MaxAppendSizeExceeded'; readonly maxAppendSize: number };

export type ReadOutcome =
  | { readonly _tag: 'Records'; readonly records: ReadonlyArray<StoredRecord> }
  | { readonly _tag: 'StreamNotFound' }
  | { readonly _tag: 'StreamDeleted' };

export type AllFilter =
  | undefined
  | { readonly on: 'streamName' | 'eventType'; readonly prefixes: ReadonlyArray<string>; readonly regex?: undefined }
  | { readonly on: 'streamName' | 'eventType'; readonly regex: RegExp; readonly prefixes?: undefined };

export const matchesFilter = (record: StoredRecord, filter: AllFilter): boolean => {
  if (filter === undefined) return true;
  const subject = filter.on === 'streamName' ? record.stream : record.type;
  return filter.regex !== undefined ? filter.regex.test(subject) : filter.prefixes.some((prefix) => subject.startsWith(prefix));
};

interface StreamState {
  /** Records still in the log, in revision order (a scavenge removes some). */
  records: StoredRecord[];
  last: Actual;
  tombstoned: boolean;
}

interface StreamMetadata {
  readonly truncateBefore?: bigint;
  readonly maxCount?: number;
  readonly maxAge?: number;
}

export interface LogOptions {
  /** Largest total of data and metadata bytes in one append; EventStoreDB's default is 1 MiB. */
  readonly maxAppendSize?: number;
  readonly clock?: () => Date;
}

export type Log = ReturnType<typeof createLog>;

export const metastreamOf = (stream: string): string => `$$${stream}`;

export const createLog = (options: LogOptions = {}) => {
  const maxAppendSize = options.maxAppendSize ?? 1_048_576;
  const clock = options.clock ?? (() => new Date());
  let all: StoredRecord[] = [];
  let streams = new Map<string, StreamState>();
  let nextPosition = 0n;
  // Best-effort idempotency, like the server's cache of recent writes: the ids of an append → its result.
  let recentWrites = new Map<string, { readonly stream: string; readonly ids: string; readonly before: Actual; readonly revision: bigint; readonly position: bigint }>();
  const listeners = new Set<(records: ReadonlyArray<StoredRecord>) => void>();

  const stateOf = (stream: string): StreamState => {
    let state = streams.get(stream);
    if (state === undefined) streams.set(stream, (state = { records: [], last: 'no_stream', tombstoned: false }));
    return state;
  };

  const metadataOf = (stream: string): StreamMetadata => {
    if (stream.startsWith('$$')) return {};
    const meta = streams.get(metastreamOf(stream))?.records.at(-1);
    if (meta === undefined) return {};
    try {
      const parsed = JSON.parse(Buffer.from(meta.data).toString('utf8')) as Record<string, unknown>;
      const integer = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
      const tb = parsed.$tb;
      return {
        truncateBefore: typeof tb === 'number' && Number.isInteger(tb) ? (tb >= Number.MAX_SAFE_INTEGER ? DELETED_STREAM_REVISION : BigInt(tb)) : undefined,
        maxCount: integer(parsed.$maxCount),
        maxAge: integer(parsed.$maxAge),
      };
    } catch {
      return {};
    }
  };

  /** The records a stream read may return: `$tb`, `$maxCount` and `$maxAge` hide the others. */
  const visible = (stream: string, state: StreamState): StoredRecord[] => {
    const { truncateBefore, maxCount, maxAge } = metadataOf(stream);
    let records = state.records;
    if (truncateBefore !== undefined) records = records.filter((r) => r.revision >= truncateBefore);
    if (maxCount !== undefined && state.last !== 'no_stream') {
      const oldest = state.last - BigInt(maxCount) + 1n;
      records = records.filter((r) => r.revision >= oldest);
    }
    if (maxAge !== undefined) {
      const cutoff = BigInt(clock().getTime() - maxAge * 1000) * TICKS_PER_MS;
      records = records.filter((r) => r.created >= cutoff);
    }
    return records;
  };

  const isSoftDeleted = (stream: string): boolean => metadataOf(stream).truncateBefore === DELETED_STREAM_REVISION;

  const satisfies = (expected: Expected, actual: Actual): boolean =>
    expected === 'any' || (expected === 'no_stream' ? actual === 'no_stream' : expected === 'stream_exists' ? actual !== 'no_stream' : actual === expected);

  const writeRecords = (stream: string, events: ReadonlyArray<ProposedEvent>, firstRevision: bigint): StoredRecord[] => {
    const state = stateOf(stream);
    const created = BigInt(clock().getTime()) * TICKS_PER_MS;
    const records = events.map((event, i): StoredRecord => {
      const record = { ...event, stream, revision: firstRevision + BigInt(i), position: nextPosition, created };
      nextPosition += BigInt(64 + stream.length + event.type.length + event.data.length + event.customMetadata.length);
      return record;
    });
    all.push(...records);
    state.records.push(...records);
    state.last = records.at(-1)?.revision ?? state.last;
    return records;
  };

  const json = (value: unknown): ProposedEvent => ({
    id: crypto.randomUUID(),
    type: '$metadata',
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(value), 'utf8'),
    customMetadata: new Uint8Array(),
  });

  const currentMetadataJson = (stream: string): Record<string, unknown> => {
    const meta = streams.get(metastreamOf(stream))?.records.at(-1);
    if (meta === undefined) return {};
    try {
      return JSON.parse(Buffer.from(meta.data).toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };

  const notify = (records: ReadonlyArray<StoredRecord>) => {
    if (records.length > 0) for (const listener of [...listeners]) listener(records);
  };

  const append = (stream: string, expected: Expected, events: ReadonlyArray<ProposedEvent>): WriteOutcome => {
    const state = stateOf(stream);
    if (state.tombstoned) return { _tag: 'StreamDeleted' };
    const size = events.reduce((sum, e) => sum + e.data.length + e.customMetadata.length, 0);
    if (size > maxAppendSize) return { _tag: 'MaxAppendSizeExceeded', maxAppendSize };
    const ids = events.map((e) => e.id).join(',');
    const previous = events.length > 0 ? recentWrites.get(ids) : undefined;
    // A retried append of the same ids under the expectation it first met is acknowledged again, not written twice.
    if (previous !== undefined && previous.stream === stream && (expected === 'any' || satisfies(expected, previous.before))) {
      return { _tag: 'Written', revision: previous.revision, position: previous.position };
    }
    if (!satisfies(expected, state.last)) return { _tag: 'WrongExpectedVersion', actual: state.last };
    if (events.length === 0) {
      return { _tag: 'Written', revision: state.last, position: undefined };
    }
    const before = state.last;
    const firstRevision = before === 'no_stream' ? 0n : before + 1n;
    const written = writeRecords(stream, events, firstRevision);
    const notified = [...written];
    // A soft-deleted stream comes back on its next append, showing only the new events.
    if (isSoftDeleted(stream)) notified.push(...writeRecords(metastreamOf(stream), [json({ ...currentMetadataJson(stream), $tb: Number(firstRevision) })], nextRevision(metastreamOf(stream))));
    const last = written.at(-1) as StoredRecord;
    recentWrites.set(ids, { stream, ids, before, revision: last.revision, position: last.position });
    notify(notified);
    return { _tag: 'Written', revision: last.revision, position: last.position };
  };

  const nextRevision = (stream: string): bigint => {
    const last = stateOf(stream).last;
    return last === 'no_stream' ? 0n : last + 1n;
  };

  const readStream = (stream: string): ReadOutcome => {
    const state = streams.get(stream);
    if (state?.tombstoned === true) return { _tag: 'StreamDeleted' };
    if (state === undefined || state.last === 'no_stream' || isSoftDeleted(stream)) return { _tag: 'StreamNotFound' };
    return { _tag: 'Records', records: visible(stream, state) };
  };

  /** Soft delete: `$tb` set past the end in the metastream; revisions continue on the next append. */
  const softDelete = (stream: string, expected: Expected): WriteOutcome => {
    const state = stateOf(stream);
    if (state.tombstoned) return { _tag: 'StreamDeleted' };
    if (!satisfies(expected, state.last)) return { _tag: 'WrongExpectedVersion', actual: state.last };
    const meta = metastreamOf(stream);
    const [record] = writeRecords(meta, [json({ ...currentMetadataJson(stream), $tb: Number.MAX_SAFE_INTEGER })], nextRevision(meta));
    notify([record as StoredRecord]);
    return { _tag: 'Written', revision: state.last, position: (record as StoredRecord).position };
  };

  /** Hard delete: a tombstone record; the stream can never be read or written again. */
  const tombstone = (stream: string, expected: Expected): WriteOutcome => {
    const state = stateOf(stream);
    if (state.tombstoned) return { _tag: 'StreamDeleted' };
    if (!satisfies(expected, state.last)) return { _tag: 'WrongExpectedVersion', actual: state.last };
    const record: StoredRecord = {
      id: crypto.randomUUID(),
      stream,
      revision: DELETED_STREAM_REVISION,
      position: nextPosition,
      type: '$streamDeleted',
      contentType: 'application/octet-stream',
      created: BigInt(clock().getTime()) * TICKS_PER_MS,
      data: new Uint8Array(),
      customMetadata: new Uint8Array(),
    };
    nextPosition += 64n;
    all.push(record);
    state.tombstoned = true;
    notify([record]);
    return { _tag: 'Written', revision: DELETED_STREAM_REVISION, position: record.position };
  };

  /**
   * Physically drops what stream reads no longer show: records before `$tb` or past `$maxCount`
   * / `$maxAge`, and every record of a tombstoned stream except the tombstone. As on a real
   * server, the last event of a stream is kept.
   */
  const scavenge = (): { readonly removed: number } => {
    const keep = new Set<StoredRecord>();
    for (const [stream, state] of streams) {
      if (state.tombstoned) {
        state.records = [];
        continue;
      }
      const shown = isSoftDeleted(stream) ? [] : visible(stream, state);
      const last = state.records.at(-1);
      state.records = state.records.filter((r) => shown.includes(r) || r === last);
      for (const r of state.records) keep.add(r);
    }
    const before = all.length;
    all = all.filter((r) => keep.has(r) || r.type === '$streamDeleted');
    return { removed: before - all.length };
  };

  return {
    append,
    readStream,
    softDelete,
    tombstone,
    scavenge,
    streamState: (stream: string) => streams.get(stream),
    /** The whole log in position order: the live array, to be indexed synchronously (appends extend it). */
    all: (): ReadonlyArray<StoredRecord> => all,
    subscribe: (listener: (records: ReadonlyArray<StoredRecord>) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset: () => {
      all = [];
      streams = new Map();
      recentWrites = new Map();
      nextPosition = 0n;
    },
  };
};
