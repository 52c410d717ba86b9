import type Database from 'better-sqlite3';
import { serializerFor } from '@idledger/core/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '@idledger/core';
import { createMemoryReadModel, type LedgerDomainEvent, type LedgerEvent } from '@idledger/core/ledger';
import { createSqliteReadModel, PROJECTIONS, type ProjectionName, type RebuildProgress, type SqliteReadModel } from './read-model.js';
import { decodedLog, recordActivity } from './testing/activity.js';
import { tempLedgerFile, type TempLedgerFile } from './testing/database.js';
import { answersOf, differences, probesOf, universeOf, type Probe } from './testing/probes.js';
import { steeredStore, withUndecodableEvents } from './testing/stores.js';

/**
 * Blue/green rebuilds: the new tables answer exactly as the live ones would (and as the memory
 * read model does), only the projections asked for are replaced, reads keep seeing the old tables
 * until the swap, and whatever the live side applied meanwhile is caught up before it.
 */

let store: EventStore;
let events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>>;
let probes: ReadonlyArray<Probe>;
let expected: ReadonlyArray<unknown>;
let files: Array<TempLedgerFile> = [];

beforeAll(async () => {
  ({ store, events } = await recordActivity(23, 120));
  probes = probesOf(universeOf(events));
  const memory = createMemoryReadModel();
  await memory.apply(events);
  expected = await answersOf(memory, probes);
});

afterEach(() => {
  for (const file of files) file.remove();
  files = [];
});

const liveReadModel = async (applied = events) => {
  const file = tempLedgerFile();
  files.push(file);
  const database = file.open();
  const readModel = createSqliteReadModel(database);
  await readModel.apply(applied);
  return { database, readModel };
};

const expectAnswers = async (readModel: SqliteReadModel, wanted: ReadonlyArray<unknown> = expected, among = probes) => {
  expect(differences(among, wanted, await answersOf(readModel, among)).slice(0, 3)).toEqual([]);
};

/** Damages every projection's rows, so a test can tell old tables from rebuilt ones. */
const tamper = (database: Database.Database) =>
  database.exec(`
    UPDATE rm_sessions SET doc = json_set(doc, '$.metadata', json('{"tampered":"yes"}'));
    UPDATE rm_reports SET doc = json_set(doc, '$.created', 1);
    UPDATE rm_customers SET doc = json_set(doc, '$.name', 'tampered');
    DELETE FROM rm_audit WHERE position % 2 = 0;
    UPDATE rm_idempotency SET fingerprint = 'tampered';
  `);

const projectionOf = (probe: Probe): ProjectionName => {
  const kind = probe.label.split(' ')[0]!;
  if (kind === 'session' || kind === 'listSessions') return 'sessions';
  if (kind === 'report' || kind === 'listReports') return 'reports';
  if (kind === 'customer' || kind === 'listCustomers') return 'customers';
  if (kind === 'idempotency') return 'idempotency';
  return 'audit';
};

const tableNames = (database: Database.Database) =>
  (database.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'rm_%' ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);

describe('rebuild', () => {
  it('replays the log into fresh tables that answer exactly as the live ones, and can do so again', async () => {
    const { database, readModel } = await liveReadModel();
    const live = await answersOf(readModel, probes);
    tamper(database);
    const progress: Array<RebuildProgress> = [];
    const result = await readModel.rebuild(store, serializerFor(store), { batchSize: 25, onProgress: (step) => progress.push(step) });
    expect(result).toEqual({ applied: events.length, skipped: 0, position: events.at(-1)!.envelope.position });
    expect(progress.at(-1)).toEqual(result);
    expect(progress.length).toBeGreaterThanOrEqual(Math.ceil(events.length / 25));
    expect(progress.map((step) => step.applied)).toEqual([...progress.map((step) => step.applied)].sort((a, b) => a - b));
    expect(await readModel.checkpoint()).toBe(events.at(-1)!.envelope.position);
    await expectAnswers(readModel, live);
    await expectAnswers(readModel);
    expect(tableNames(database).filter((name) => name.includes('__next'))).toEqual([]);
    expect(tableNames(database)).toContain('rm_sessions__status_b');

    // Index names alternate between generations, so a second rebuild does not collide with the first.
    tamper(database);
    await readModel.rebuild(store, serializerFor(store));
    await expectAnswers(readModel);
    expect(tableNames(database)).toContain('rm_sessions__status_a');
    // Live updates keep working on the swapped-in tables.
    await readModel.apply(events);
    await expectAnswers(readModel);
  });

  it.each(PROJECTIONS)('of %s alone replaces that projection and leaves the others untouched', async (projection) => {
    const { database, readModel } = await liveReadModel();
    tamper(database);
    const tampered = await answersOf(readModel, probes);
    await readModel.rebuild(store, serializerFor(store), { projections: [projection] });
    const chosen = probes.filter((probe) => projectionOf(probe) === projection);
    const others = probes.filter((probe) => projectionOf(probe) !== projection);
    await expectAnswers(readModel, probes.flatMap((probe, index) => (projectionOf(probe) === projection ? [expected[index]] : [])), chosen);
    await expectAnswers(readModel, probes.flatMap((probe, index) => (projectionOf(probe) !== projection ? [tampered[index]] : [])), others);
    // The projections it had to rebuild alongside (a report needs its session) were scratch tables.
    expect(tableNames(database).filter((name) => name.includes('__next'))).toEqual([]);
    expect(await readModel.checkpoint()).toBe(events.at(-1)!.envelope.position);
  });

  it('lets reads use the old tables until the swap, and catches up with what the live side applied meanwhile', async () => {
    const cut = Math.floor(events.length * 0.6);
    const { database, readModel } = await liveReadModel(events.slice(0, cut));
    tamper(database);
    const before = await answersOf(readModel, probes);
    const steered = steeredStore(store);
    // The rebuild sees the log as it was when it started; the live side then applies the rest.
    steered.visibleUpTo = events[cut - 1]!.envelope.position;
    steered.pauseAfter = 20;
    const rebuilt = readModel.rebuild(steered, serializerFor(store), { batchSize: 7 });
    await steered.paused();
    await expectAnswers(readModel, before);
    expect(tableNames(database)).toContain('rm_sessions__next');
    await readModel.apply(events.slice(cut));
    steered.visibleUpTo = undefined;
    steered.pauseAfter = undefined;
    steered.resume();
    const result = await rebuilt;
    expect(result.position).toBe(events.at(-1)!.envelope.position);
    expect(result.applied).toBe(events.length);
    await expectAnswers(readModel);
  });

  it('brings the projections it keeps up to the rebuilt position when the live side is behind the log', async () => {
    const { readModel } = await liveReadModel(events.slice(0, Math.floor(events.length / 2)));
    await readModel.rebuild(store, serializerFor(store), { projections: ['reports', 'audit'] });
    expect(await readModel.checkpoint()).toBe(events.at(-1)!.envelope.position);
    await expectAnswers(readModel);
    // The runner redelivering what the rebuild already applied changes nothing.
    await readModel.apply(events);
    await expectAnswers(readModel);
  });

  it('skips and counts events it cannot decode, including at the end of the log', async () => {
    const { store: mixed, undecodable } = await withUndecodableEvents(store, 40);
    const decodable = await decodedLog(mixed);
    const memory = createMemoryReadModel();
    await memory.apply(decodable);
    const wanted = await answersOf(memory, probes);
    const { readModel } = await liveReadModel(decodable);
    const reported: Array<bigint> = [];
    const result = await readModel.rebuild(mixed, serializerFor(store), { projections: ['sessions'], onUndecodable: (_error, position) => reported.push(position) });
    expect(result.skipped).toBe(undecodable);
    expect(reported).toHaveLength(undecodable);
    expect(result.applied).toBe(decodable.length);
    // The log ends with an undecodable event: the checkpoint moves past it.
    expect(result.position).toBe(reported.at(-1));
    expect(await readModel.checkpoint()).toBe(reported.at(-1));
    await expectAnswers(readModel, wanted);
  });

  it('streams the log: batches are applied while it is still being read', async () => {
    const { readModel } = await liveReadModel();
    const steered = steeredStore(store);
    const yieldedAtFirstProgress: Array<number> = [];
    await readModel.rebuild(steered, serializerFor(store), { batchSize: 10, onProgress: () => yieldedAtFirstProgress.push(steered.yielded()) });
    expect(yieldedAtFirstProgress[0]).toBeLessThanOrEqual(10);
    expect(steered.yielded()).toBe(events.length);
  });

  it('leaves the live tables as they were when the log fails part-way, and can be run again', async () => {
    const { database, readModel } = await liveReadModel();
    tamper(database);
    const before = await answersOf(readModel, probes);
    const failing = steeredStore(store);
    failing.failAfter = 30;
    await expect(readModel.rebuild(failing, serializerFor(store), { batchSize: 8 })).rejects.toMatchObject({ _tag: 'Unavailable' });
    await expectAnswers(readModel, before);
    expect(tableNames(database).filter((name) => name.includes('__next'))).toEqual([]);
    await readModel.rebuild(store, serializerFor(store));
    await expectAnswers(readModel);
  });

  it('runs one rebuild at a time and refuses unknown projections', async () => {
    const { readModel } = await liveReadModel();
    const steered = steeredStore(store);
    steered.pauseAfter = 5;
    const first = readModel.rebuild(steered, serializerFor(store));
    await steered.paused();
    await expect(readModel.rebuild(store, serializerFor(store))).rejects.toThrow(/already running/);
    steered.resume();
    await first;
    await expect(readModel.rebuild(store, serializerFor(store), { projections: ['nope' as ProjectionName] })).rejects.toThrow(/Unknown projection/);
    for (const batchSize of [0, 2.5, Number.NaN]) {
      await expect(readModel.rebuild(store, serializerFor(store), { batchSize })).rejects.toThrow(/batchSize must be a positive integer/);
    }
    await expectAnswers(readModel);
  });

  it('rebuilds an empty log into empty tables at the start', async () => {
    const file = tempLedgerFile();
    files.push(file);
    const readModel = createSqliteReadModel(file.open());
    const empty = steeredStore(store);
    empty.visibleUpTo = -1n;
    expect(await readModel.rebuild(empty, serializerFor(store))).toEqual({ applied: 0, skipped: 0, position: 'start' });
    expect(await readModel.checkpoint()).toBe('start');
    expect(await readModel.listSessions({ livemode: false, limit: 10 })).toEqual({ _tag: 'Right', right: { data: [], has_more: false } });
  });
});
