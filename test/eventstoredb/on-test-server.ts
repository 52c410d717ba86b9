import { startTestServer } from '@idledger/esdb-test-server';
import { connectEventStoreDb } from '@idledger/store-eventstoredb';

/** The EventStoreDB adapter on a test server of its own. */
export const openOnTestServer = async () => {
  const server = await startTestServer();
  return { server, store: connectEventStoreDb({ connectionString: server.connectionString }) };
};
