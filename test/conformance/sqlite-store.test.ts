import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { EventStore } from '@idledger/core/ledger';
import { openLedgerDatabase } from '../../packages/store-sqlite/src/database.js';
import { createSqliteEventStore, type SqliteEventStoreOptions } from '../../packages/store-sqlite/src/event-store.js';
import { describeEventStoreConformance } from './event-store-conformance.js';

// Every store gets a fresh file, deleted (with its WAL) when the suite closes the store.
const directory = mkdtempSync(join(tmpdir(), 'idledger-sqlite-conformance-'));
let files = 0;

const makeStore = (options: SqliteEventStoreOptions) => async (): Promise<EventStore> => {
  const file = join(directory, `ledger-${++files}.sqlite`);
  const database = openLedgerDatabase(file);
  const store = createSqliteEventStore(database, options);
  return {
    ...store,
    close: async () => {
      await store.close();
      if (!database.open) return;
      database.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
};

afterAll(() => rmSync(directory, { recursive: true, force: true }));

// A page size of 2 makes the suite cross page boundaries that the default (500) would hide.
describeEventStoreConformance('sqlite', makeStore({ pageSize: 2 }));
describeEventStoreConformance('sqlite (default page size)', makeStore({}), { numRuns: 25 });
