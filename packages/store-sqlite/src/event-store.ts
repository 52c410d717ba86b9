import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type {
  ActualRevision,
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from '@idledger/core/ledger';
import { appendProblem, invalidAppend, satisfiesExpectedRevision, serialSubscription, storeClosed } from '@idledger/core/ledger';
import { clamp, COLUMNS, filterClause, INT64_MAX, matches, sqlLimit, toEvent, toTransientEvent, type EventRow, type RawEventRow } from './event-rows.js';

/** How many recent appends are kept for subscribers to take without reading them back. */
const HANDOFF_APPENDS = 256;

/**
 * SQLite adapter of the event-store port, on a database opened by `openLedgerDatabase`. Its
 * observable behaviour is the memory store's (the conformance suite checks it); where SQLite adds
 * something of its own:
 * - Positions are the table's AUTOINCREMENT rowid, assigned inside the IMMEDIATE write transaction.
 *   SQLite has one writer at a time, so positions become visible in order: a reader never sees
 *   N+1 before N, and a subscription can never skip an event committed late.
 * - Events read back are fresh, deep-frozen objects, like the memory store's, so code that works
 *   on one adapter does not start mutating shared data on the other.
 * - Subscriptions wake at once on appends through this store object, and poll every
 *   `pollIntervalMs` for appends through other connections or processes. The poll timer is
 *   unref'd: like the memory store, a waiting subscription does not keep the process alive.
 * - The store does not own the connection: `close()` ends the store, the caller closes the database.
 * - better-sqlite3 is synchronous: a write blocked by another process's lock blocks this thread for
 *   up to the busy timeout, then fails with `Unavailable`.
 */

export interface SqliteEventStoreOptions {
  /** How often waiting subscriptions look for appends made by other connections. Default 200. */
  readonly pollIntervalMs?: number;
  /** Events per query in `readAll` and subscriptions (the back-pressure unit). Default 500. */
  readonly pageSize?: number;
  /** Work that shares each append's write transaction (the embedded read model), see `AppendProjection`. */
  readonly projection?: AppendProjection;
}

/**
 * Derived writes made in the append's own transaction, so that a write and its views cost one
 * commit. `project` runs after the inserts, inside a savepoint: if it throws, only its own writes
 * are undone and the append commits all the same, since derived data can always be caught up from
 * the log later. `committed` runs once the commit has succeeded.
 */
export interface AppendProjection {
  readonly project: (events: ReadonlyArray<RecordedEvent>) => void;
  readonly committed: (events: ReadonlyArray<RecordedEvent>) => void;
}

interface Waiter {
  /** Everything at or before this position has been examined by the waiting subscription. */
  readonly after: () => bigint;
  readonly wake: () => void;
}

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
};

/**
 * Reads pages of the log synchronously: up to `limit` events after `after` that match the filter,
 * in order, as unfrozen events the caller must not keep or hand out (see `toTransientEvent`).
 */
export type TransientLogReader = (after: bigint, limit: number) => ReadonlyArray<RecordedEvent>;

const transientReaders = new WeakMap<EventStore, { readonly database: Database.Database; readonly reader: (filter: EventFilter | undefined) => TransientLogReader }>();

/**
 * The synchronous reader of `store` when it is this package's store on exactly `database`, so
 * that a consumer on the same connection (the read model's rebuild) can read, decode and apply
 * within one synchronous step; undefined for any other store, which is then read through `readAll`.
 */
export const transientLogReader = (store: EventStore, database: Database.Database, filter?: EventFilter): TransientLogReader | undefined => {
  const registered = transientReaders.get(store);
  return registered !== undefined && registered.database === database ? registered.reader(filter) : undefined;
};

export const createSqliteEventStore = (database: Database.Database, options: SqliteEventStoreOptions = {}): EventStore => {
  const pageSize = positiveInteger('pageSize', options.pageSize ?? 500);
  const pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 200);

  // Safe integers: positions and revisions come back as bigint, exact beyond 2^53.
  const prepare = (sql: string): Database.Statement => database.prepare(sql).safeIntegers(true);
  if (database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get() === undefined) {
    throw new Error('the database has no event-store schema: open it with openLedgerDatabase');
  }
  const last = prepare('SELECT revision, position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1');
  const insert = prepare('INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const head = prepare('SELECT max(position) FROM events').pluck();
  const forwards = prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`);
  const backwards = prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`);

  const projection = options.projection;
  const projectInSavepoint = projection === undefined ? undefined : database.transaction((events: ReadonlyArray<RecordedEvent>) => projection.project(events));
  const project = (rows: ReadonlyArray<EventRow>): ReadonlyArray<RecordedEvent> | undefined => {
    if (projectInSavepoint === undefined) return undefined;
    const events = rows.map(toEvent);
    try {
      projectInSavepoint(events);
      return events;
    } catch {
      // Undone to the savepoint: whoever follows the log (the projection runner) applies these
      // events later, and reports what fails there.
      return undefined;
    }
  };

  const waiters = new Set<Waiter>();
  const subscriptions = new Set<Subscription>();
  /**
   * The rows of recent appends through this store, keyed by the log's last position before each
   * one. A subscriber that has examined exactly up to that position takes them from here instead
   * of reading them back: no row of anyone can lie between, as the append read that position
   * inside its own write transaction.
   */
  const handoff = new Map<bigint, ReadonlyArray<EventRow>>();
  let appended: { readonly previous: bigint; readonly rows: ReadonlyArray<EventRow>; readonly projected: ReadonlyArray<RecordedEvent> | undefined } | undefined;
  const takeAppended = () => {
    const value = appended;
    appended = undefined;
    return value;
  };
  let poller: NodeJS.Timeout | undefined;
  let closed = false;

  const toStoreError = (error: unknown): StoreError => {
    if (closed) return storeClosed;
    if (!database.open) return { _tag: 'Unavailable', reason: 'the database connection is closed' };
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
      return { _tag: 'Unavailable', reason: `the ledger file is locked by another connection (${code})` };
    }
    return { _tag: 'StoreFailure', reason: error instanceof Error ? error.message : String(error) };
  };

  const guarded =
    <A>(f: () => E.Either<StoreError, A>): TaskEither<StoreError, A> =>
    async () => {
      if (closed) return E.left(storeClosed);
      try {
        return f();
      } catch (error) {
        return E.left(toStoreError(error));
      }
    };

  const lastOf = (stream: string): { revision: bigint; position: bigint } | undefined =>
    last.get(stream) as { revision: bigint; position: bigint } | undefined;

  const wakeAll = (): void => [...waiters].forEach((waiter) => waiter.wake());

  const poll = (): void => {
    if (waiters.size === 0) {
      clearInterval(poller);
      poller = undefined;
      return;
    }
    let latest: bigint | null;
    try {
      latest = head.get() as bigint | null;
    } catch {
      // Let the subscriptions query and fail with the mapped error instead of hanging.
      return wakeAll();
    }
    if (latest === null) return;
    for (const waiter of [...waiters]) if (waiter.after() < latest) waiter.wake();
  };

  // The check and the inserts share one IMMEDIATE transaction: the write lock is taken before the
  // revision is read, so no other connection can append in between.
  const appendTransaction = database.transaction(
    (stream: string, expected: ExpectedRevision, rows: ReadonlyArray<readonly [string, string, string, string]>): E.Either<StoreError, AppendResult> => {
      const current = lastOf(stream);
      const actual: ActualRevision = current === undefined ? 'no_stream' : current.revision;
      if (!satisfiesExpectedRevision(expected, actual)) return E.left({ _tag: 'WrongExpectedVersion', stream, expected, actual });
      if (rows.length === 0) {
        return current === undefined
          ? E.left(invalidAppend(stream, 'empty append to a stream with no events: there is no revision to return'))
          : E.right({ nextExpectedRevision: current.revision, position: current.position });
      }
      const recordedAt = Date.now();
      const first = current === undefined ? 0n : current.revision + 1n;
      const previous = (head.get() as bigint | null) ?? -1n;
      let position = 0n;
      const inserted = rows.map(([id, type, data, metadata], i): EventRow => {
        const revision = first + BigInt(i);
        position = BigInt(insert.run(stream, revision, id, type, data, metadata, recordedAt).lastInsertRowid);
        return { position, stream, revision, event_id: id, type, data, metadata, recorded_at: BigInt(recordedAt) };
      });
      appended = { previous, rows: inserted, projected: project(inserted) };
      return E.right({ nextExpectedRevision: first + BigInt(rows.length - 1), position });
    },
  );

  const append = (stream: string, events: ReadonlyArray<EventToAppend>, expected: ExpectedRevision): E.Either<StoreError, AppendResult> => {
    const problem = appendProblem(stream, events, expected);
    if (problem !== undefined) return E.left(problem);
    // Serialised before the transaction so the write lock is held as briefly as possible.
    const rows = events.map((e) => [e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)] as const);
    appended = undefined;
    const result = appendTransaction.immediate(stream, expected, rows);
    // Only a committed append is handed on: a failed COMMIT throws before this line.
    const committed = takeAppended();
    if (E.isRight(result) && committed !== undefined) {
      handoff.set(committed.previous, committed.rows);
      if (handoff.size > HANDOFF_APPENDS) handoff.delete(handoff.keys().next().value!);
      if (committed.projected !== undefined) projection?.committed(committed.projected);
    }
    if (E.isRight(result) && rows.length > 0) wakeAll();
    return result;
  };

  const readStream = (stream: string, opts: ReadStreamOptions = {}): E.Either<StoreError, ReadonlyArray<RecordedEvent>> => {
    // Streams are never removed, so a stream seen here still exists when the events are read.
    const current = lastOf(stream);
    if (current === undefined) return E.left({ _tag: 'StreamNotFound', stream });
    const limit = sqlLimit(opts.maxCount);
    if ((opts.direction ?? 'forwards') === 'forwards') {
      return E.right((forwards.all(stream, clamp(opts.fromRevision ?? 0n, 0n), limit) as EventRow[]).map(toEvent));
    }
    const from = opts.fromRevision ?? current.revision;
    if (from < 0n) return E.right([]);
    return E.right((backwards.all(stream, clamp(from, 0n), limit) as EventRow[]).map(toEvent));
  };

  /** A page query over the global log: events after `after`, up to `upTo`, matching the filter. */
  const pageQuery = (filter: EventFilter | undefined): ((after: bigint, upTo: bigint, limit: number) => EventRow[]) => {
    const { sql, params } = filterClause(filter);
    const statement = prepare(`SELECT ${COLUMNS} FROM events WHERE position > @after AND position <= @upTo${sql} ORDER BY position ASC LIMIT @limit`);
    return (after, upTo, limit) => statement.all({ ...params, after, upTo, limit }) as EventRow[];
  };

  async function* readAll(opts: ReadAllOptions = {}): AsyncGenerator<RecordedEvent, void, undefined> {
    let remaining = sqlLimit(opts.maxCount);
    if (remaining === -1) remaining = Number.POSITIVE_INFINITY;
    let after = clamp((opts.fromPosition ?? 0n) - 1n, -1n);
    let query: ReturnType<typeof pageQuery> | undefined;
    while (remaining > 0) {
      if (closed) throw storeClosed;
      let rows: EventRow[];
      try {
        query ??= pageQuery(opts.filter);
        rows = query(after, INT64_MAX, Math.min(pageSize, remaining));
      } catch (error) {
        throw toStoreError(error);
      }
      // Ends only on an empty pull: events appended while the caller iterates are delivered.
      const lastRow = rows[rows.length - 1];
      if (lastRow === undefined) return;
      after = lastRow.position;
      for (const row of rows) {
        yield toEvent(row);
        if (--remaining <= 0) return;
      }
    }
  }

  const subscribeToAll = ({ from, filter }: SubscribeOptions): Subscription => {
    // Everything at or before `after` has been examined (delivered or filtered out).
    let after = from === 'start' ? -1n : clamp(from, -1n);
    let caughtUp = false;
    let done = closed;
    let page: EventRow[] = [];
    let next = 0;
    let waiter: Waiter | undefined;
    let query: ReturnType<typeof pageQuery> | undefined;

    /** Takes the next append from the handoff when it follows exactly where this subscriber stands. */
    const takeHandedOff = (): boolean => {
      const rows = handoff.get(after);
      if (rows === undefined || rows.length > pageSize) return false;
      page = rows.filter((row) => matches(filter, row));
      next = 0;
      after = rows[rows.length - 1]!.position;
      return true;
    };

    /** Reads the next page; returns the log's last position at the time of the read. */
    const fetch = (): bigint | null => {
      query ??= pageQuery(filter);
      // Head first: every position up to it is committed, so bounding the page by it means a
      // short page proves nothing up to the head is left, and idle polls stop rescanning.
      const latest = head.get() as bigint | null;
      page = latest === null || latest <= after ? [] : query(after, latest, pageSize);
      next = 0;
      const lastRow = page[page.length - 1];
      if (page.length === pageSize && lastRow !== undefined) after = lastRow.position;
      else if (latest !== null && latest > after) after = latest;
      return latest;
    };

    const pullNow = (): SubscriptionMessage | undefined => {
      // Live, a subscriber follows the appends of this store without reading them back.
      while (next >= page.length && caughtUp && takeHandedOff()) {
        if (page.length > 0) return { _tag: 'Event', event: toEvent(page[next++] as EventRow) };
      }
      if (next >= page.length) {
        const latest = fetch();
        if (page.length === 0) {
          if (caughtUp) return undefined;
          caughtUp = true;
          return { _tag: 'CaughtUp', position: latest ?? 'start' };
        }
      }
      return { _tag: 'Event', event: toEvent(page[next++] as EventRow) };
    };

    const close = async (): Promise<void> => {
      done = true;
      page = [];
      subscriptions.delete(subscription);
      waiter?.wake();
    };

    const pull = async (): Promise<IteratorResult<SubscriptionMessage, undefined>> => {
      for (;;) {
        if (done) return { done: true, value: undefined };
        let message: SubscriptionMessage | undefined;
        try {
          message = pullNow();
        } catch (error) {
          // A failed read ends the subscription: the consumer resubscribes from its checkpoint.
          await close();
          throw toStoreError(error);
        }
        if (message !== undefined) return { done: false, value: message };
        await new Promise<void>((resolve) => {
          const self: Waiter = {
            after: () => after,
            wake: () => {
              waiters.delete(self);
              if (waiter === self) waiter = undefined;
              resolve();
            },
          };
          waiter = self;
          waiters.add(self);
          poller ??= setInterval(poll, pollIntervalMs).unref();
        });
      }
    };


    const subscription = serialSubscription(pull, close);
    if (!done) subscriptions.add(subscription);
    return subscription;
  };

  const transientReader = (filter: EventFilter | undefined): TransientLogReader => {
    const { sql, params } = filterClause(filter);
    const statement = prepare(`SELECT ${COLUMNS} FROM events WHERE position > @after${sql} ORDER BY position ASC LIMIT @limit`).raw(true);
    return (after, limit) => {
      if (closed) throw storeClosed;
      let rows: Array<RawEventRow>;
      try {
        rows = statement.all({ ...params, after: clamp(after, -1n), limit: sqlLimit(limit) }) as Array<RawEventRow>;
      } catch (error) {
        throw toStoreError(error);
      }
      return rows.map(toTransientEvent);
    };
  };

  const store: EventStore = {
    appendToStream: (stream, events, { expectedRevision }) => guarded(() => append(stream, events, expectedRevision)),
    readStream: (stream, opts) => guarded(() => readStream(stream, opts)),
    streamRevision: (stream) => guarded(() => E.right(lastOf(stream)?.revision ?? 'no_stream')),
    readAll: (opts) => readAll(opts),
    subscribeToAll,
    close: async () => {
      closed = true;
      clearInterval(poller);
      poller = undefined;
      await Promise.all([...subscriptions].map((s) => s.close()));
    },
  };
  transientReaders.set(store, { database, reader: transientReader });
  return store;
};
