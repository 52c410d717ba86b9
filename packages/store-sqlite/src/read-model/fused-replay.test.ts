import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createIdentityLedger } from '@idledger/core';
import {
  createEventSerializer,
  createMemoryReadModel,
  sealingPersonalData,
  type EventStore,
  type JsonValue,
  type LedgerDomainEvent,
  type LedgerEvent,
} from '@idledger/core/ledger';
import { openLedgerDatabase } from '../database.js';
import { createSqliteEventStore, transientLogReader } from '../event-store.js';
import { openSqliteKeyStore } from '../key-store.js';
import { createSqliteReadModel } from './read-model.js';
import { closeLedger, driveRandomActivity, ledgerConfig, manualClock, seededRandom } from './testing/activity.js';
import { answersOf, differences, probesOf, universeOf } from './testing/probes.js';

/**
 * The rebuild's fused path (the log read on the read model's own connection, decoded page by
 * page under one view of the keys, never frozen) builds exactly what live application built:
 * for random histories on the embedded store with its SQLite key file, with redacted sessions
 * whose keys are destroyed, events nobody can decode, and events of streams no projection reads.
 */

const append = async (store: EventStore, stream: string, type: string, data: JsonValue, metadata: JsonValue) => {
  const result = await store.appendToStream(stream, [{ id: randomUUID(), type, data, metadata }], { expectedRevision: 'any' })();
  if (E.isLeft(result)) throw new Error(`append failed: ${JSON.stringify(result.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
};

const rebuildMatchesLive = async (seed: number, steps: number, batchSize?: number) => {
  const directory = mkdtempSync(join(tmpdir(), 'idledger-fused-'));
  const database = openLedgerDatabase(join(directory, 'ledger.db'), { synchronous: 'NORMAL' });
  const keys = openSqliteKeyStore(join(directory, 'ledger.db.keys'));
  try {
    const store = createSqliteEventStore(database);
    const readModel = createSqliteReadModel(database);
    const serializer = createEventSerializer(sealingPersonalData(keys));
    const clock = manualClock();
    const ledger = await createIdentityLedger({ ...ledgerConfig(store, readModel, clock.clock), keyStore: keys });
    try {
      await driveRandomActivity(ledger, seededRandom(seed), clock.advance, steps);
      await ledger.whenIdle();
    } finally {
      await closeLedger(ledger);
    }

    // What nobody can decode, and what no projection reads, between and after the ledger's events.
    const metadata = { schema_version: 1, occurred_at: new Date(0).toISOString(), actor: { type: 'system', component: 'test' }, request_id: null, correlation_id: 'c', causation_id: null };
    await append(store, 'verification_session-vs_junk', 'NotAnEvent', {}, metadata);
    await append(store, 'verification_session-vs_sealed', 'VerificationSessionCreated', { $sealed: { kid: 'dk_nobody', alg: 'A256GCM', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAA==' } }, metadata);
    await append(store, 'elsewhere-1', 'SomethingElse', { any: 'thing' }, metadata);
    await append(store, 'customer-cus_junk', 'CustomerCreated', { not: 'a customer' }, { broken: true });

    const decoded: Array<LedgerEvent<LedgerDomainEvent>> = [];
    let undecodable = 0;
    for await (const recorded of store.readAll({ filter: { streamPrefixes: ['verification_session-', 'customer-'] } })) {
      const event = serializer.deserialize(recorded);
      if (E.isRight(event)) decoded.push(event.right);
      else undecodable++;
    }
    expect(undecodable).toBe(3);
    // Live application is what the memory read model gives for the same events (see read-model-equivalence).
    const memory = createMemoryReadModel();
    await memory.apply(decoded);
    const probes = probesOf(universeOf(decoded));
    const live = await answersOf(readModel, probes);
    expect(differences(probes, await answersOf(memory, probes), live).slice(0, 3)).toEqual([]);

    expect(transientLogReader(store, database)).toBeDefined();
    const result = await readModel.rebuild(store, serializer, batchSize === undefined ? {} : { batchSize });
    expect(result).toMatchObject({ applied: decoded.length, skipped: undecodable });
    expect(differences(probes, live, await answersOf(readModel, probes)).slice(0, 3)).toEqual([]);
    return decoded;
  } finally {
    keys.close();
    database.close();
    rmSync(directory, { recursive: true, force: true });
  }
};

describe('a rebuild reading the log on its own connection', () => {
  it('builds what live application built, including sessions whose keys were destroyed', async () => {
    // Longer than one window of the fold (500 events), in one batch.
    const events = await rebuildMatchesLive(11, 1600);
    expect(events.length).toBeGreaterThan(1000);
    expect(events.some(({ event }) => event.type === 'VerificationSessionRedacted')).toBe(true);
  }, 60_000);

  it('does so for any history and batch size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 250 }), async (seed, batchSize) => {
        await rebuildMatchesLive(seed, 90, batchSize);
      }),
      { numRuns: 4 },
    );
  });

  it('is not used for another store, which is read through readAll', () => {
    const directory = mkdtempSync(join(tmpdir(), 'idledger-fused-'));
    const database = openLedgerDatabase(join(directory, 'ledger.db'));
    const other = openLedgerDatabase(join(directory, 'other.db'));
    try {
      expect(transientLogReader(createSqliteEventStore(other), database)).toBeUndefined();
    } finally {
      database.close();
      other.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
