import { afterAll, describe, expect, it, vi } from 'vitest';
import { closeIsolatedStores } from './isolated-store.js';

// Over the wire each ledger costs a server start and round trips; the property tests run as many ledgers as in memory.
vi.setConfig({ testTimeout: 120_000 });

/**
 * The whole ledger on the EventStoreDB adapter: the seed flows and the API suites, unchanged,
 * with every event store they would create in memory replaced by the adapter on its own
 * in-process test server (so each keeps the isolation an in-memory store gives). Projections,
 * the process manager and redaction therefore all run over the wire.
 */

vi.mock('@idledger/core', async (importOriginal) => (await import('./isolated-store.js')).withEventStoreDbStores(await importOriginal<object>()));
vi.mock('@idledger/core/ledger', async (importOriginal) => (await import('./isolated-store.js')).withEventStoreDbStores(await importOriginal<object>()));

afterAll(async () => {
  await closeIsolatedStores();
});

await import('../seed-flows.test.js');
await import('../api/lifecycle.test.js');
await import('../api/history.test.js');
await import('../api/idempotency.test.js');
await import('../api/invalid-params.test.js');
await import('../api/pagination.test.js');
await import('../api/processing.test.js');
await import('../api/compliance.test.js');
// The log's hash chains, Merkle proofs and signed checkpoints over EventStoreDB's positions.
await import('../integrity/audit-export.test.js');

describe('the ledger under these suites', () => {
  it('runs on the EventStoreDB adapter, not in memory', async () => {
    const { createIdentityLedger } = await import('@idledger/core');
    const ledger = await createIdentityLedger({ processing: false });
    try {
      await ledger.identity.verificationSessions.create({ type: 'document' });
      await ledger.identity.verificationSessions.create({ type: 'document' });
      const positions: bigint[] = [];
      for await (const event of ledger.store.readAll()) positions.push(event.position);
      // The test server numbers positions by record size, as EventStoreDB does; memory numbers them 0, 1, 2.
      expect(positions.length).toBeGreaterThanOrEqual(2);
      expect(positions[1]).toBeGreaterThanOrEqual(64n);
    } finally {
      await ledger.close();
    }
  });
});
