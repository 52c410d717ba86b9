import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryReadModel, type LedgerDomainEvent, type LedgerEvent, type ReadModel } from '@idledger/core/ledger';
import { createSqliteReadModel } from './read-model.js';
import { randomBatches, recordActivity, seededRandom } from './testing/activity.js';
import { tempLedgerFile, type TempLedgerFile } from './testing/database.js';
import { answersOf, differences, probesOf, universeOf, type Probe } from './testing/probes.js';

/**
 * The SQLite read model against the memory one, fed the same events directly (no ledger): same
 * answers, every event applied exactly once, each batch all or nothing, and a reopened file
 * picking up at its checkpoint.
 */

let events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>;
let probes: ReadonlyArray<Probe>;
let expected: ReadonlyArray<unknown>;
let files: Array<TempLedgerFile> = [];

beforeAll(async () => {
  ({ events } = await recordActivity(7, 140));
  probes = probesOf(universeOf(events));
  const memory = createMemoryReadModel();
  await memory.apply(events);
  expected = await answersOf(memory, probes);
});

afterEach(() => {
  for (const file of files) file.remove();
  files = [];
});

const newFile = () => {
  const file = tempLedgerFile();
  files.push(file);
  return file;
};

const expectSameAnswers = async (readModel: ReadModel) => {
  const found = differences(probes, expected, await answersOf(readModel, probes));
  expect(found.slice(0, 3)).toEqual([]);
};

const memoryReadModelOf = async (applied: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>): Promise<ReadModel> => {
  const memory = createMemoryReadModel();
  await memory.apply(applied);
  return memory;
};

const rowCounts = (file: TempLedgerFile) => {
  const database = file.open();
  const tables = ['rm_sessions', 'rm_reports', 'rm_audit', 'rm_customers', 'rm_idempotency'];
  return Object.fromEntries(tables.map((table) => [table, (database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]));
};

describe('the SQLite read model', () => {
  it('records a varied log to compare on', () => {
    const types = new Set(events.map(({ event }) => event.type));
    for (const type of ['VerificationSessionVerified', 'VerificationSessionChecksFailed', 'VerificationSessionCanceled', 'VerificationSessionRedacted', 'CustomerUpdated']) {
      expect(types).toContain(type);
    }
    expect(events.some(({ envelope }) => envelope.idempotencyKey !== null)).toBe(true);
    expect(probes.length).toBeGreaterThan(1000);
  });

  it('starts at the start and answers like the memory read model, in batches of any size', async () => {
    const readModel = createSqliteReadModel(newFile().open());
    expect(await readModel.checkpoint()).toBe('start');
    for (const batch of randomBatches(events, seededRandom(1))) await readModel.apply(batch);
    expect(await readModel.checkpoint()).toBe(events.at(-1)!.envelope.position);
    await expectSameAnswers(readModel);
  });

  it('applies every event exactly once: a batch applied again, or overlapping one already applied, changes nothing', async () => {
    const file = newFile();
    const readModel = createSqliteReadModel(file.open());
    const batches = randomBatches(events, seededRandom(2), 20);
    for (const [index, batch] of batches.entries()) {
      await readModel.apply(batch);
      await readModel.apply(batch);
      // A catch-up that restarts a little earlier than where the last one stopped.
      if (index > 0) await readModel.apply([...batches[index - 1]!.slice(-3), ...batch]);
    }
    const counts = rowCounts(file);
    await readModel.apply(events);
    expect(rowCounts(file)).toEqual(counts);
    expect(await readModel.checkpoint()).toBe(events.at(-1)!.envelope.position);
    await expectSameAnswers(readModel);
  });

  it('applies a batch and its checkpoint all or nothing', async () => {
    const file = newFile();
    const readModel = createSqliteReadModel(file.open());
    const half = Math.floor(events.length / 2);
    await readModel.apply(events.slice(0, half));
    const checkpoint = await readModel.checkpoint();
    const counts = rowCounts(file);
    const next = events[half]!;
    // A session event whose data the fold cannot read: the fold throws part-way through the batch.
    const broken = { ...next, envelope: { ...next.envelope, position: events.at(-1)!.envelope.position + 1n, stream: 'verification_session-vs_broken' }, event: { type: 'VerificationSessionCreated', data: null } } as unknown as LedgerEvent<LedgerDomainEvent>;
    await expect(readModel.apply([...events.slice(half, half + 5), broken])).rejects.toThrow();
    expect(await readModel.checkpoint()).toBe(checkpoint);
    expect(rowCounts(file)).toEqual(counts);
    await readModel.apply(events.slice(half));
    await expectSameAnswers(readModel);
  });

  it('resumes from its checkpoint when the file is opened again', async () => {
    const file = newFile();
    const first = file.open();
    const third = Math.floor(events.length / 3);
    await createSqliteReadModel(first).apply(events.slice(0, third));
    first.close();

    const reopened = createSqliteReadModel(file.open());
    expect(await reopened.checkpoint()).toBe(events[third - 1]!.envelope.position);
    // The runner restarts from the checkpoint, but a redelivery of older events must be harmless too.
    await reopened.apply(events.slice(third - 10));
    await expectSameAnswers(reopened);
    expect(rowCounts(file).rm_audit).toBe(events.filter(({ envelope }) => envelope.stream.startsWith('verification_session-')).length);
  });

  it('creates its schema idempotently, beside other tables of the same file', async () => {
    const database = newFile().open();
    database.exec('CREATE TABLE events (position INTEGER PRIMARY KEY)');
    const first = createSqliteReadModel(database);
    await first.apply(events);
    const second = createSqliteReadModel(database);
    expect(await second.checkpoint()).toBe(events.at(-1)!.envelope.position);
    await expectSameAnswers(second);
  });

  it('works on a connection that reads every integer as a bigint', async () => {
    const database = newFile().open();
    database.defaultSafeIntegers(true);
    const readModel = createSqliteReadModel(database);
    await readModel.apply(events);
    await expectSameAnswers(readModel);
  });

  it('keeps a session in two documents, its bulky part decoded only on use, with the keys in the projection\'s order', async () => {
    const file = newFile();
    const database = file.open();
    const readModel = createSqliteReadModel(database);
    await readModel.apply(events);
    const memory = createMemoryReadModel();
    await memory.apply(events);
    const stored = database.prepare('SELECT id, livemode, doc, detail FROM rm_sessions').all() as Array<{ id: string; livemode: number; doc: string; detail: string }>;
    expect(stored.length).toBeGreaterThan(10);
    for (const row of stored) {
      expect(Object.keys(JSON.parse(row.doc))).not.toContain('reports');
      expect(Object.keys(JSON.parse(row.detail))).toEqual(['providedIdentity', 'verifiedOutputs', 'reports', 'collected']);
      const [actual, expected] = [await readModel.session(row.id, row.livemode === 1), await memory.session(row.id, row.livemode === 1)];
      expect(Object.keys(actual!.session)).toEqual(Object.keys(expected!.session));
      // A caller may freeze what it was given; the detail is still decoded on first use.
      Object.freeze(actual!.session);
      expect(JSON.stringify(actual!.session)).toBe(JSON.stringify(expected!.session));
    }
  });

  it('reads a file whose sessions were stored in one document, splits each as its session changes, and prefers a whole document wherever it finds one', async () => {
    const file = newFile();
    const half = Math.floor(events.length / 2);
    const older = file.open();
    await createSqliteReadModel(older).apply(events.slice(0, half));
    // The layout before the split: no detail column, the whole state in doc.
    const memory = createMemoryReadModel();
    await memory.apply(events.slice(0, half));
    const ids = older.prepare('SELECT id, livemode FROM rm_sessions').all() as Array<{ id: string; livemode: number }>;
    for (const { id, livemode } of ids) {
      const row = await memory.session(id, livemode === 1);
      older.prepare('UPDATE rm_sessions SET doc = ? WHERE id = ?').run(JSON.stringify(row!.session), id);
    }
    older.exec('ALTER TABLE rm_sessions DROP COLUMN detail');
    older.close();

    const reopened = file.open();
    const readModel = createSqliteReadModel(reopened);
    const whole = (reopened.prepare('SELECT count(*) AS n FROM rm_sessions WHERE detail IS NULL').get() as { n: number }).n;
    expect(whole).toBe(ids.length);
    await readModel.apply(events.slice(half));
    await expectSameAnswers(readModel);
    const stillWhole = (reopened.prepare('SELECT count(*) AS n FROM rm_sessions WHERE detail IS NULL').get() as { n: number }).n;
    expect(stillWhole).toBeLessThan(whole);

    // An earlier version writing a row again leaves a whole doc beside this version's detail: the doc wins.
    const { id, livemode } = ids[0]!;
    const expected = await (await memoryReadModelOf(events)).session(id, livemode === 1);
    reopened.prepare(`UPDATE rm_sessions SET doc = ?, detail = '{"reports":[]}' WHERE id = ?`).run(JSON.stringify(expected!.session), id);
    expect(await readModel.session(id, livemode === 1)).toEqual(expected);
  });
});
