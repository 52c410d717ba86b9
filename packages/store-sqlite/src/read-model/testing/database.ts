import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A ledger file in a temporary directory, opened the way the embedded ledger opens it (WAL), so
 * tests can close it and open it again. Kept apart from `openLedgerDatabase` so the read-model
 * tests do not depend on the event-store schema.
 */
export interface TempLedgerFile {
  readonly file: string;
  readonly open: () => Database.Database;
  /** Closes every connection opened here and deletes the directory. */
  readonly remove: () => void;
}

export const tempLedgerFile = (): TempLedgerFile => {
  const directory = mkdtempSync(join(tmpdir(), 'idledger-read-model-'));
  const file = join(directory, 'ledger.db');
  const opened: Array<Database.Database> = [];
  return {
    file,
    open: () => {
      const database = new Database(file);
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      opened.push(database);
      return database;
    },
    remove: () => {
      for (const database of opened) if (database.open) database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};
