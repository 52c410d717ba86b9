/** The embedded idledger store: events and read models in one SQLite file. */
export { openLedgerDatabase, type LedgerDatabaseOptions } from './database.js';
export { createSqliteEventStore, transientLogReader, type AppendProjection, type SqliteEventStoreOptions, type TransientLogReader } from './event-store.js';
export { createSqliteReadModel, type SqliteReadModel, type ProjectionName, type RebuildProgress } from './read-model/read-model.js';
export { defaultFilesDirectory, defaultKeyFile, openEmbeddedLedger, type EmbeddedLedger, type EmbeddedLedgerConfig } from './embedded.js';
export { openSqliteKeyStore, type SqliteKeyStore } from './key-store.js';
export type { EventRow } from './event-rows.js';
