import Database from 'better-sqlite3';

/**
 * Opens the one SQLite file that holds the ledger: the event log (created here) and the durable
 * read models (created by their own code on the same connection).
 *
 * Schema versions are kept per component in `ledger_schema`, not in `PRAGMA user_version`, because
 * the event store and the read models share the file and evolve separately; the read models can add
 * their own row. A file whose event-store version is newer than this code is refused: older code
 * must never write to a log whose invariants it does not know.
 */

export interface LedgerDatabaseOptions {
  /**
   * `FULL` (default): in WAL mode every commit is fsynced, so an acknowledged append survives a
   * power loss or OS crash. `NORMAL`: survives an application crash, but a power loss may roll
   * back the last few commits (the file stays consistent); faster, for tests and rebuildable data.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another connection's write lock before giving up. Default 5000. */
  readonly busyTimeoutMs?: number;
}

/** The event-store schema version this code writes. */
export const EVENT_STORE_SCHEMA_VERSION = 1;

// 'IDLG': marks the file as an idledger ledger, so a foreign SQLite file is not written into.
const APPLICATION_ID = 0x49444c47;

const EVENT_STORE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    -- AUTOINCREMENT: a position is never reused, even if the last rows were ever removed,
    -- because read models keep positions as checkpoints.
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    stream      TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_id    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    metadata    TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
`;

const isInMemory = (file: string): boolean => file === ':memory:' || file === '' || file.startsWith('file::memory:');

/** Refuses a file this code must not write to; runs before anything changes the file. */
const checkCompatible = (database: Database.Database, file: string): number => {
  const applicationId = Number(database.pragma('application_id', { simple: true }));
  if (applicationId !== 0 && applicationId !== APPLICATION_ID) {
    throw new Error(`${file} is not an idledger ledger (application_id ${applicationId})`);
  }
  const hasSchemaTable = database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ledger_schema'").get() !== undefined;
  const row = hasSchemaTable
    ? (database.prepare("SELECT version FROM ledger_schema WHERE component = 'event_store'").get() as { version: number } | undefined)
    : undefined;
  const version = row?.version ?? 0;
  if (version > EVENT_STORE_SCHEMA_VERSION) {
    throw new Error(
      `${file} was written by a newer idledger (event-store schema version ${version}; this code knows up to ${EVENT_STORE_SCHEMA_VERSION}). Upgrade idledger to open it.`,
    );
  }
  return version;
};

const configure = (database: Database.Database, file: string, synchronous: 'FULL' | 'NORMAL'): void => {
  const journalMode = String(database.pragma('journal_mode = WAL', { simple: true }));
  // WAL lets readers (subscriptions, other processes) read while one writer appends.
  if (journalMode !== 'wal' && !isInMemory(file)) {
    throw new Error(`${file}: cannot use WAL journal mode (got '${journalMode}'); is the file on a network filesystem?`);
  }
  database.pragma(`synchronous = ${synchronous}`);
  // Redaction rewrites read-model rows; without this the old contents could linger in free pages.
  database.pragma('secure_delete = ON');
};

const migrate = (database: Database.Database, file: string): void => {
  // IMMEDIATE: two processes opening a fresh file at once serialise here instead of racing,
  // and the checks are repeated under the lock in case another opener got there first.
  database
    .transaction(() => {
      if (checkCompatible(database, file) < EVENT_STORE_SCHEMA_VERSION) {
        // Version 1 is the first: there is nothing older to migrate from yet.
        database.exec('CREATE TABLE IF NOT EXISTS ledger_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT');
        database.exec(EVENT_STORE_SCHEMA);
        database
          .prepare("INSERT INTO ledger_schema (component, version) VALUES ('event_store', ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version")
          .run(EVENT_STORE_SCHEMA_VERSION);
      }
      if (Number(database.pragma('application_id', { simple: true })) === 0) database.pragma(`application_id = ${APPLICATION_ID}`);
    })
    .immediate();
};

/** Opens (creating if needed) the ledger file, configured and with the event-store schema in place. */
export const openLedgerDatabase = (file: string, options: LedgerDatabaseOptions = {}): Database.Database => {
  const synchronous = options.synchronous ?? 'FULL';
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new RangeError(`synchronous must be 'FULL' or 'NORMAL', got ${String(synchronous)}`);
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${busyTimeoutMs}`);
  const database = new Database(file);
  try {
    // The busy timeout first, so the WAL switch and the schema transaction wait for other openers.
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    checkCompatible(database, file);
    configure(database, file, synchronous);
    migrate(database, file);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
};
