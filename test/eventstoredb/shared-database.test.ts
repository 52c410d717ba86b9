import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { EventStore } from '@idledger/core/ledger';
import { startTestServer, type TestServer } from '@idledger/esdb-test-server';
import { connectEventStoreDb } from '@idledger/store-eventstoredb';
import { describeEventStoreConformance } from '../conformance/event-store-conformance.js';

/**
 * The conformance suite on a database the store shares: each store gets a stream namespace of
 * its own, and the log around it holds other namespaces' events and system records. First on the
 * test server, then (when `EVENTSTORE_CONNECTION_STRING` points at one) on a real EventStoreDB,
 * so users can check their own node or cluster:
 *
 *   EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' ./node_modules/.bin/vitest run test/eventstoredb/shared-database.test.ts
 */

const namespaced = (connectionString: string) => async (): Promise<EventStore> => {
  const neighbour = connectEventStoreDb({ connectionString, streamNamespace: `neighbour-${randomUUID()}-` });
  // Foreign events before the store's own, so every read must look past them.
  await neighbour.appendToStream('order-1', [{ id: randomUUID(), type: 'Opened', data: {}, metadata: null }], { expectedRevision: 'any' })();
  await neighbour.close();
  return connectEventStoreDb({ connectionString, streamNamespace: `conformance-${randomUUID()}-` });
};

describe('on the test server, shared', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.stop());
  describeEventStoreConformance('eventstoredb, namespaced in a shared log', async () => namespaced(server.connectionString)(), { numRuns: 30 });
});

const real = process.env.EVENTSTORE_CONNECTION_STRING;
if (real === undefined || real === '') {
  console.info('notice: EVENTSTORE_CONNECTION_STRING is not set; the conformance suite against a real EventStoreDB is skipped.');
  describe.skip('on a real EventStoreDB (set EVENTSTORE_CONNECTION_STRING)', () => {
    it('runs the conformance suite', () => undefined);
  });
} else {
  describeEventStoreConformance(`eventstoredb at ${real.replace(/\/\/[^@/]*@/, '//…@')}`, namespaced(real), { numRuns: 20 });
}
