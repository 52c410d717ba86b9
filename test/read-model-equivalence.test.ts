import { afterEach, describe, expect, it } from 'vitest';
import { createIdentityLedger, createMemoryEventStore, type EventStore, type ReadModel } from '@idledger/core';
import { serializerFor } from '@idledger/core/testing';
import { createMemoryReadModel, type LedgerDomainEvent, type LedgerEvent } from '@idledger/core/ledger';
import { createSqliteReadModel } from '../packages/store-sqlite/src/read-model/read-model.js';
import {
  closeLedger,
  decodedLog,
  driveRandomActivity,
  ledgerConfig,
  manualClock,
  randomBatches,
  seededRandom,
} from '../packages/store-sqlite/src/read-model/testing/activity.js';
import { tempLedgerFile, type TempLedgerFile } from '../packages/store-sqlite/src/read-model/testing/database.js';
import { answersOf, differences, probesOf, universeOf } from '../packages/store-sqlite/src/read-model/testing/probes.js';
import { steeredStore } from '../packages/store-sqlite/src/read-model/testing/stores.js';

/**
 * The SQLite read model is a drop-in for the memory one. Random API activity runs through a
 * ledger whose read model is SQLite; a memory read model fed the same log must then give the same
 * answer to every query: each session, report, customer, audit trail and idempotency record in
 * both modes, and every list page with every filter, cursor and limit. The same holds after
 * re-delivered batches, a reopened file, a ledger restarted on it, and rebuilds, including one
 * that runs while the ledger keeps writing.
 */

let files: Array<TempLedgerFile> = [];

afterEach(() => {
  for (const file of files) file.remove();
  files = [];
});

const newFile = () => {
  const file = tempLedgerFile();
  files.push(file);
  return file;
};

/** Compares `actual` with a memory read model fed the whole log of `store`. */
const expectEquivalent = async (store: EventStore, actual: ReadModel) => {
  const events = await decodedLog(store);
  const memory = createMemoryReadModel();
  await memory.apply(events);
  const probes = probesOf(universeOf(events));
  const found = differences(probes, await answersOf(memory, probes), await answersOf(actual, probes));
  expect(found.slice(0, 3)).toEqual([]);
  expect(await actual.checkpoint()).toBe(await memory.checkpoint());
  return { events, probes };
};

const runLedger = async (store: EventStore, readModel: ReadModel, seed: number, steps: number, clock = manualClock()) => {
  const ledger = await createIdentityLedger(ledgerConfig(store, readModel, clock.clock));
  try {
    await driveRandomActivity(ledger, seededRandom(seed), clock.advance, steps);
  } finally {
    await closeLedger(ledger);
  }
  return clock;
};

describe.each([101, 202, 303])('SQLite and memory read models on the same log (seed %i)', (seed) => {
  it('answer every query alike, however the events are delivered, reopened, resumed or rebuilt', async () => {
    const store = createMemoryEventStore();
    const file = newFile();
    const database = file.open();
    const readModel = createSqliteReadModel(database);
    const clock = await runLedger(store, readModel, seed, 220);
    const { events } = await expectEquivalent(store, readModel);
    expect(events.length).toBeGreaterThan(120);

    // The same events again, in random batches, every batch delivered twice: exactly once.
    const redelivered = createSqliteReadModel(newFile().open());
    for (const batch of randomBatches(events, seededRandom(seed + 1), 30)) {
      await redelivered.apply(batch);
      await redelivered.apply(batch);
    }
    await expectEquivalent(store, redelivered);

    // A new read model on the reopened file starts where the old one stopped, and a ledger started on
    // it catches up from that checkpoint and keeps going.
    const checkpoint = await readModel.checkpoint();
    database.close();
    const reopened = createSqliteReadModel(file.open());
    expect(await reopened.checkpoint()).toBe(checkpoint);
    await expectEquivalent(store, reopened);
    await runLedger(store, reopened, seed + 2, 60, clock);
    await expectEquivalent(store, reopened);

    // Rebuilding everything, or one projection, changes no answer.
    await reopened.rebuild(store, serializerFor(store), { batchSize: 50 });
    await expectEquivalent(store, reopened);
    await reopened.rebuild(store, serializerFor(store), { projections: ['reports'] });
    await expectEquivalent(store, reopened);
  });
});

describe('a rebuild while the ledger keeps writing', () => {
  it('serves the old tables until the swap, then answers for everything written meanwhile', async () => {
    const store = createMemoryEventStore();
    const readModel = createSqliteReadModel(newFile().open());
    const clock = manualClock();
    const ledger = await createIdentityLedger(ledgerConfig(store, readModel, clock.clock));
    try {
      await driveRandomActivity(ledger, seededRandom(7), clock.advance, 120);
      const steered = steeredStore(store);
      steered.pauseAfter = 40;
      const rebuilt = readModel.rebuild(steered, serializerFor(store), { batchSize: 16 });
      await steered.paused();

      // Writes made now are applied to the live tables and visible at once.
      const created = await ledger.identity.verificationSessions.create({ type: 'document', client_reference_id: 'during-rebuild' });
      expect((await readModel.session(created.id, false))?.session.clientReferenceId).toBe('during-rebuild');
      await driveRandomActivity(ledger, seededRandom(8), clock.advance, 40);
      const live = await ledger.identity.verificationSessions.list({ client_reference_id: 'during-rebuild' });
      expect(live.data.map((session) => session.id)).toEqual([created.id]);

      steered.pauseAfter = undefined;
      steered.resume();
      await rebuilt;
      expect((await readModel.session(created.id, false))?.session.clientReferenceId).toBe('during-rebuild');
      await driveRandomActivity(ledger, seededRandom(9), clock.advance, 20);
    } finally {
      await closeLedger(ledger);
    }
    const { events } = await expectEquivalent(store, readModel);
    expect(events.length).toBeGreaterThan(100);
  });
});

// The exact-once check on a whole log: re-applying every event leaves the answers unchanged.
describe('a read model given the whole log again', () => {
  it('changes nothing', async () => {
    const store = createMemoryEventStore();
    const readModel = createSqliteReadModel(newFile().open());
    await runLedger(store, readModel, 404, 100);
    const events: ReadonlyArray<LedgerEvent<LedgerDomainEvent>> = await decodedLog(store);
    const probes = probesOf(universeOf(events));
    const before = await answersOf(readModel, probes);
    await readModel.apply(events);
    expect(differences(probes, before, await answersOf(readModel, probes))).toEqual([]);
    await expectEquivalent(store, readModel);
  });
});
