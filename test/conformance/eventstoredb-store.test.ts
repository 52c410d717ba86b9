import { afterAll, beforeAll } from 'vitest';
import type { EventStore } from '@idledger/core/ledger';
import { startTestServer, type TestServer } from '@idledger/esdb-test-server';
import { connectEventStoreDb } from '@idledger/store-eventstoredb';
import { describeEventStoreConformance } from './event-store-conformance.js';

// The EventStoreDB adapter over the wire, against the in-process test server: each store gets an
// emptied log and its own client connection. Both append paths the client has are covered.
for (const batchAppend of [true, false]) {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ batchAppend });
  });
  afterAll(async () => server.stop());

  const makeStore = (pageSize?: number) => async (): Promise<EventStore> => {
    server.reset();
    return connectEventStoreDb({ connectionString: server.connectionString, ...(pageSize === undefined ? {} : { pageSize }) });
  };
  const path = batchAppend ? 'BatchAppend' : 'Append';
  // A page size of 2 makes the suite cross page boundaries that the default (500) would hide.
  describeEventStoreConformance(`eventstoredb over ${path}`, makeStore(2), { numRuns: batchAppend ? 80 : 30 });
  describeEventStoreConformance(`eventstoredb over ${path} (default page size)`, makeStore(), { numRuns: 25 });
}
