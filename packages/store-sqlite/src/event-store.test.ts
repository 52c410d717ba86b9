import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventStore, type EventFilter, type EventStore, type EventToAppend, type JsonValue, type RecordedEvent, type SubscriptionMessage } from '@idledger/core/ledger';
import { EVENT_STORE_SCHEMA_VERSION, openLedgerDatabase, type LedgerDatabaseOptions } from './database.js';
import { createSqliteEventStore, type SqliteEventStoreOptions } from './event-store.js';

// Behaviour specific to the SQLite adapter; the shared contract lives in test/conformance.

const directory = mkdtempSync(join(tmpdir(), 'idledger-sqlite-store-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const opened: Array<{ database: Database.Database; store: EventStore }> = [];
afterEach(async () => {
  for (const { database, store } of opened.splice(0)) {
    await store.close();
    if (database.open) database.close();
  }
});

const freshFile = (): string => join(directory, `${randomUUID()}.sqlite`);
const open = (file: string, options: SqliteEventStoreOptions = {}, databaseOptions?: LedgerDatabaseOptions) => {
  const database = openLedgerDatabase(file, databaseOptions);
  const store = createSqliteEventStore(database, options);
  opened.push({ database, store });
  return { database, store };
};

const ev = (data: JsonValue = {}, type = 'Happened'): EventToAppend => ({ id: randomUUID(), type, data, metadata: { v: 1 } });
const right = async <A>(te: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const r = await te();
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`);
  return r.right;
};
const collect = async <A>(it: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const ids = (events: ReadonlyArray<RecordedEvent>): string[] => events.map((e) => e.id);

describe('sqlite event store: durability and schema', () => {
  it('keeps events, revisions, positions and times across close and reopen', async () => {
    const file = freshFile();
    const first = open(file);
    await right(first.store.appendToStream('order-1', [ev({ n: 1 }), ev({ n: 2 })], { expectedRevision: 'no_stream' }));
    await right(first.store.appendToStream('user-1', [ev({ name: 'Ada', tags: ['a'] })], { expectedRevision: 'no_stream' }));
    const before = await collect(first.store.readAll());
    await first.store.close();
    first.database.close();

    const second = open(file);
    expect(await collect(second.store.readAll())).toEqual(before);
    expect(await right(second.store.streamRevision('order-1'))).toBe(1n);
    const next = await right(second.store.appendToStream('order-1', [ev()], { expectedRevision: 1n }));
    expect(next.nextExpectedRevision).toBe(2n);
    expect(next.position > (before.at(-1) as RecordedEvent).position).toBe(true);
  });

  it('configures WAL, FULL synchronous by default, and a busy timeout', () => {
    const { database } = open(freshFile());
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(database.pragma('busy_timeout', { simple: true })).toBe(5000);
    const normal = open(freshFile(), {}, { synchronous: 'NORMAL', busyTimeoutMs: 100 }).database;
    expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    expect(normal.pragma('busy_timeout', { simple: true })).toBe(100);
  });

  it('opens an existing file idempotently and refuses one from a newer schema version', () => {
    const file = freshFile();
    openLedgerDatabase(file).close();
    openLedgerDatabase(file).close();
    const raw = new Database(file);
    raw.prepare("UPDATE ledger_schema SET version = ? WHERE component = 'event_store'").run(EVENT_STORE_SCHEMA_VERSION + 1);
    raw.close();
    expect(() => openLedgerDatabase(file)).toThrow(/newer idledger.*schema version 2/);
  });

  it('refuses a SQLite file that belongs to another application', () => {
    const file = freshFile();
    const raw = new Database(file);
    raw.pragma('application_id = 42');
    raw.close();
    expect(() => openLedgerDatabase(file)).toThrow(/not an idledger ledger/);
  });

  it('rejects invalid options', () => {
    const { database } = open(freshFile());
    for (const value of [0, -1, 1.5, Number.NaN]) {
      expect(() => createSqliteEventStore(database, { pageSize: value })).toThrow(RangeError);
      expect(() => createSqliteEventStore(database, { pollIntervalMs: value })).toThrow(RangeError);
    }
    expect(() => openLedgerDatabase(freshFile(), { busyTimeoutMs: -1 })).toThrow(RangeError);
  });
});

describe('sqlite event store: filters in SQL', () => {
  it('selects exactly what the memory store selects, for edge-case filters', async () => {
    const { store } = open(freshFile(), { pageSize: 2 });
    const memory = createMemoryEventStore();
    const streams = ['order-1', 'order_1', 'Order-2', 'ord%er', 'é-1', '😀-1', 'user-1'];
    for (const [i, stream] of streams.entries()) {
      const events = [ev({ i }, i % 2 === 0 ? 'Opened' : 'Closed'), ev({ i }, 'Changed')];
      await right(store.appendToStream(stream, events, { expectedRevision: 'no_stream' }));
      await right(memory.appendToStream(stream, events, { expectedRevision: 'no_stream' }));
    }
    const filters: EventFilter[] = [
      { streamPrefixes: [] },
      { eventTypes: [] },
      { streamPrefixes: [''] },
      { streamPrefixes: ['order-'] },
      { streamPrefixes: ['ord%', 'order_'] },
      { streamPrefixes: ['é', '😀'], eventTypes: ['Changed'] },
      { eventTypes: ['Opened', 'Closed'] },
    ];
    for (const filter of filters) {
      expect(ids(await collect(store.readAll({ filter }))), JSON.stringify(filter)).toEqual(ids(await collect(memory.readAll({ filter }))));
    }
  });

  it('keeps a subscription whose filter matches nothing idle, then delivers a later match', async () => {
    const file = freshFile();
    const writer = open(file).store;
    const reader = open(file, { pollIntervalMs: 5 }).store;
    await right(writer.appendToStream('user-1', [ev(), ev()], { expectedRevision: 'any' }));
    const sub = reader.subscribeToAll({ from: 'start', filter: { streamPrefixes: ['order-'] } });
    const it = sub[Symbol.asyncIterator]();
    const last = await right(writer.appendToStream('user-1', [ev()], { expectedRevision: 'any' }));
    expect((await it.next()).value).toEqual({ _tag: 'CaughtUp', position: last.position });
    const pending = it.next();
    await right(writer.appendToStream('user-2', [ev()], { expectedRevision: 'any' }));
    const match = ev();
    await right(writer.appendToStream('order-1', [match], { expectedRevision: 'any' }));
    const r = await pending;
    expect(r.value?._tag === 'Event' ? r.value.event.id : r.value).toBe(match.id);
    await sub.close();
  });
});

describe('sqlite event store: errors', () => {
  it('returns Unavailable while another connection holds the write lock, then recovers', async () => {
    const file = freshFile();
    const { store } = open(file, {}, { busyTimeoutMs: 50 });
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    const r = await store.appendToStream('order-1', [ev()], { expectedRevision: 'any' })();
    expect(r).toMatchObject(E.left({ _tag: 'Unavailable' }));
    // Readers are not blocked by a writer in WAL mode.
    expect(await store.streamRevision('order-1')()).toEqual(E.right('no_stream'));
    locker.exec('ROLLBACK');
    locker.close();
    expect((await right(store.appendToStream('order-1', [ev()], { expectedRevision: 'no_stream' }))).nextExpectedRevision).toBe(0n);
  });

  it('returns Unavailable instead of throwing when the connection was closed under it', async () => {
    const { database, store } = open(freshFile());
    await right(store.appendToStream('order-1', [ev()], { expectedRevision: 'any' }));
    database.close();
    expect(await store.appendToStream('order-1', [ev()], { expectedRevision: 'any' })()).toMatchObject(E.left({ _tag: 'Unavailable' }));
    expect(await store.readStream('order-1')()).toMatchObject(E.left({ _tag: 'Unavailable' }));
    await expect(collect(store.readAll())).rejects.toMatchObject({ _tag: 'Unavailable' });
    await expect(collect(store.subscribeToAll({ from: 'start' }))).rejects.toMatchObject({ _tag: 'Unavailable' });
  });

  it('returns deep-frozen events, as the memory store does', async () => {
    const { store } = open(freshFile());
    await right(store.appendToStream('user-1', [ev({ name: 'Ada', tags: ['a'] })], { expectedRevision: 'any' }));
    const [event] = await right(store.readStream('user-1'));
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => (event?.data as { tags: string[] }).tags.push('b')).toThrow(TypeError);
  });
});

describe('sqlite event store: two connections to one file', () => {
  it('delivers appends from another connection to a subscription by polling, each once and in order', async () => {
    const file = freshFile();
    const writer = open(file).store;
    const reader = open(file, { pollIntervalMs: 10, pageSize: 3 }).store;
    for (let i = 0; i < 10; i++) await right(writer.appendToStream(`order-${i % 3}`, [ev()], { expectedRevision: 'any' }));
    const sub = reader.subscribeToAll({ from: 'start' });
    const writing = (async () => {
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, i % 5));
        await right(writer.appendToStream(`user-${i % 2}`, [ev(), ev()], { expectedRevision: 'any' }));
      }
    })();
    const seen: RecordedEvent[] = [];
    const messages: SubscriptionMessage[] = [];
    for await (const m of sub) {
      messages.push(m);
      if (m._tag === 'Event') seen.push(m.event);
      if (seen.length === 70) break;
    }
    await writing;
    expect(ids(seen)).toEqual(ids(await collect(writer.readAll())));
    expect(messages.filter((m) => m._tag === 'CaughtUp')).toHaveLength(1);
  });

  it('lets exactly one of two connections win with the same expected revision', async () => {
    const file = freshFile();
    const a = open(file).store;
    const b = open(file).store;
    await right(a.appendToStream('order-1', [ev()], { expectedRevision: 'no_stream' }));
    const results = await Promise.all([a, b, a, b].map((s) => s.appendToStream('order-1', [ev()], { expectedRevision: 0n })()));
    expect(results.filter(E.isRight)).toHaveLength(1);
    for (const r of results.filter(E.isLeft)) expect(r.left).toEqual({ _tag: 'WrongExpectedVersion', stream: 'order-1', expected: 0n, actual: 1n });
    expect(await right(b.readStream('order-1'))).toHaveLength(2);
  });

  // Real parallelism needs processes: in one process better-sqlite3 runs each append to completion.
  it('lets exactly one of several processes win each race, and loses no append', async () => {
    const file = freshFile();
    open(file);
    const source = fileURLToPath(new URL('.', import.meta.url));
    const script = `
      const { openLedgerDatabase } = await import(${JSON.stringify(join(source, 'database.js'))});
      const { createSqliteEventStore } = await import(${JSON.stringify(join(source, 'event-store.js'))});
      const { randomUUID } = await import('node:crypto');
      const store = createSqliteEventStore(openLedgerDatabase(process.env.LEDGER_FILE));
      const ev = () => ({ id: randomUUID(), type: 'Raced', data: { pid: process.pid }, metadata: null });
      process.stdout.write('ready\\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      const wins = [], errors = {};
      let counted = 0;
      for (let k = 0; k < 100; k++) {
        const r = await store.appendToStream('race-' + k, [ev()], { expectedRevision: 'no_stream' })();
        if (r._tag === 'Right') wins.push(k); else errors[r.left._tag] = (errors[r.left._tag] ?? 0) + 1;
        // Read, pause, then append expecting what was read: conflicts are expected, losses are not.
        const seen = await store.streamRevision('counter')();
        await new Promise((resolve) => setTimeout(resolve, 1));
        const c = await store.appendToStream('counter', [ev()], { expectedRevision: seen.right })();
        if (c._tag === 'Right') counted++; else errors[c.left._tag] = (errors[c.left._tag] ?? 0) + 1;
      }
      process.stdout.write(JSON.stringify({ wins, counted, errors }) + '\\n');
    `;
    const children = [0, 1, 2].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@idledger/source', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        env: { ...process.env, LEDGER_FILE: file },
      });
      let stdout = '';
      let stderr = '';
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.startsWith('ready\n')) resolve();
        });
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<string>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve(stdout.slice('ready\n'.length)) : reject(new Error(`child exited ${code}: ${stderr}`)))),
      );
      return { child, ready: Promise.race([ready, exited.then(() => undefined)]), exited };
    });
    // A barrier: no child starts appending before all have loaded, so their appends overlap.
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.stdin.end('go\n');
    const reports = (await Promise.all(children.map((c) => c.exited))).map(
      (out) => JSON.parse(out) as { wins: number[]; counted: number; errors: Record<string, number> },
    );
    expect(reports.flatMap((r) => r.wins).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, k) => k));
    for (const r of reports) expect(Object.keys(r.errors).filter((tag) => tag !== 'WrongExpectedVersion')).toEqual([]);
    const counted = reports.reduce((n, r) => n + r.counted, 0);
    // Conflicts on the counter show the processes really overlapped.
    expect(counted).toBeLessThan(3 * 100);
    const { store } = open(file);
    const counter = await right(store.readStream('counter'));
    expect(counter.map((e) => e.revision)).toEqual(counter.map((_, i) => BigInt(i)));
    expect(counter).toHaveLength(counted);
    const all = await collect(store.readAll());
    expect(new Set(ids(all)).size).toBe(all.length);
    all.slice(1).forEach((e, i) => expect(e.position > (all[i] as RecordedEvent).position).toBe(true));
  }, 30_000);
});
