import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { serializerFor } from '@idledger/core/testing';
import { createMemoryReadModel, matchesFilter, PROJECTED_STREAM_PREFIXES, type EventSerializer, type EventStore, type RecordedEvent } from '@idledger/core/ledger';
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerDatabase } from '../database.js';
import { createSqliteEventStore, type AppendProjection } from '../event-store.js';
import { createSqliteReadModel, type SqliteReadModel } from './read-model.js';
import { recordActivity } from './testing/activity.js';
import { answersOf, differences, probesOf, universeOf, type Probe } from './testing/probes.js';

/**
 * The read model applied inside each append's own transaction: the views move with the commit
 * that writes the events, only when they stand right before them, and a failing projection never
 * costs the append.
 */

let recorded: ReadonlyArray<RecordedEvent>;
let serializer: EventSerializer;
let probes: ReadonlyArray<Probe>;
const directories: Array<string> = [];
const databases: Array<Database.Database> = [];

beforeAll(async () => {
  const { store, events } = await recordActivity(11, 120);
  const all: Array<RecordedEvent> = [];
  for await (const event of store.readAll()) all.push(event);
  recorded = all;
  // The activity's events are sealed under the memory store's keys: open them with those.
  serializer = serializerFor(store);
  probes = probesOf(universeOf(events));
});

afterEach(() => {
  for (const database of databases.splice(0)) if (database.open) database.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const openFile = () => {
  const directory = mkdtempSync(join(tmpdir(), 'idledger-append-projection-'));
  directories.push(directory);
  const database = openLedgerDatabase(join(directory, 'ledger.db'), { synchronous: 'NORMAL' });
  databases.push(database);
  return database;
};

const copy = async (store: EventStore, event: RecordedEvent) => {
  const appended = await store.appendToStream(event.streamName, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], { expectedRevision: 'any' })();
  if (E.isLeft(appended)) throw new Error(`append failed: ${appended.left._tag}`);
  return appended.right.position;
};

const isProjected = (event: RecordedEvent) => matchesFilter(event, { streamPrefixes: PROJECTED_STREAM_PREFIXES });

/** The copied log, decoded as the runner decodes it (its positions are the file's, not the original's). */
const decodedLog = async (store: EventStore) => {
  const decoded = [];
  for await (const event of store.readAll()) {
    const result = serializer.deserialize(event);
    if (E.isRight(result)) decoded.push(result.right);
  }
  return decoded;
};

/** Answers like a memory read model fed the whole log at once. */
const expectReplayedAnswers = async (readModel: SqliteReadModel, store: EventStore) => {
  const memory = createMemoryReadModel();
  await memory.apply(await decodedLog(store));
  const found = differences(probes, await answersOf(memory, probes), await answersOf(readModel, probes));
  expect(found.slice(0, 3)).toEqual([]);
};

describe('the read model applied within each append', () => {
  it('moves with every commit, with no runner, and ends answering like the memory read model', async () => {
    const database = openFile();
    const readModel = createSqliteReadModel(database);
    const store = createSqliteEventStore(database, { projection: readModel.appendProjection(serializer) });
    let lastProjected: bigint | 'start' = 'start';
    for (const event of recorded) {
      const position = await copy(store, event);
      if (isProjected(event)) lastProjected = position;
      expect(await readModel.checkpoint()).toBe(lastProjected);
      expect(readModel.appliedThrough()).toBe(lastProjected);
    }
    await expectReplayedAnswers(readModel, store);
    await store.close();
  });

  it('leaves an append to the runner when the views are behind, and they catch up in order', async () => {
    const database = openFile();
    const readModel = createSqliteReadModel(database);
    const plain = createSqliteEventStore(database);
    const projecting = createSqliteEventStore(database, { projection: readModel.appendProjection(serializer) });
    const firstProjected = recorded.findIndex(isProjected);
    // Written by a writer that does not project: the views now lag behind the log.
    for (const event of recorded.slice(0, firstProjected + 1)) await copy(plain, event);
    for (const event of recorded.slice(firstProjected + 1)) await copy(projecting, event);
    expect(await readModel.checkpoint()).toBe('start');
    expect(readModel.appliedThrough()).toBe('start');
    await readModel.apply(await decodedLog(projecting));
    await expectReplayedAnswers(readModel, projecting);
    await plain.close();
    await projecting.close();
  });

  it('never costs the append: a failing projection is undone to its savepoint and the events commit', async () => {
    const database = openFile();
    database.exec('CREATE TABLE scratch (value TEXT) STRICT');
    const insertScratch = database.prepare('INSERT INTO scratch (value) VALUES (?)');
    const committed: Array<string> = [];
    const failing: AppendProjection = {
      project: (events) => {
        insertScratch.run(events[0]!.id);
        throw new Error('projection failed');
      },
      committed: (events) => committed.push(events[0]!.id),
    };
    const store = createSqliteEventStore(database, { projection: failing });
    await copy(store, recorded[0]!);
    expect((database.prepare('SELECT count(*) AS n FROM scratch').get() as { n: number }).n).toBe(0);
    expect((database.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(1);
    expect(committed).toEqual([]);
    await store.close();
  });

  it('is told of the commit only after it: a refused append projects nothing', async () => {
    const database = openFile();
    const readModel = createSqliteReadModel(database);
    const store = createSqliteEventStore(database, { projection: readModel.appendProjection(serializer) });
    const first = recorded.find(isProjected)!;
    await copy(store, first);
    const checkpoint = await readModel.checkpoint();
    const refused = await store.appendToStream(first.streamName, [{ id: randomUUID(), type: first.type, data: first.data, metadata: first.metadata }], { expectedRevision: 'no_stream' })();
    expect(E.isLeft(refused) && refused.left._tag).toBe('WrongExpectedVersion');
    expect(await readModel.checkpoint()).toBe(checkpoint);
    await store.close();
  });
});
