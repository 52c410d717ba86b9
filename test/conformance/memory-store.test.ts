import { createMemoryEventStore } from '@idledger/core/ledger';
import { describeEventStoreConformance } from './event-store-conformance.js';

// A small page size makes the suite cross page boundaries that the default (100) would hide.
describeEventStoreConformance('memory', async () => createMemoryEventStore({ pageSize: 2 }));
describeEventStoreConformance('memory (default page size)', async () => createMemoryEventStore(), { numRuns: 25 });
