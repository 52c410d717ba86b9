import type Database from 'better-sqlite3';
import { withSynchronous } from '../synchronous.js';

/**
 * Read-model writes are derived data: after a crash they are caught up from the log again, so
 * their commits need not wait for the disk. In WAL mode a NORMAL commit stays consistent, and the
 * next commit of the event store (synchronous FULL) syncs the log file, and so everything
 * written before it, to disk.
 */
export const derivedWrite = <A>(database: Database.Database, write: () => A): A =>
  // 0 OFF, 1 NORMAL: already no stricter than needed.
  Number(database.pragma('synchronous', { simple: true })) <= 1 ? write() : withSynchronous(database, 'NORMAL', write);

/** WAL pages between automatic checkpoints during a rebuild (SQLite's default is 1,000). */
export const BULK_CHECKPOINT_PAGES = 10_000;

/**
 * Settings for loading a whole projection generation, undone by the returned function. A
 * rebuild's commits are large; with SQLite's default each one crosses the 1,000-page
 * checkpoint threshold and is copied into the file at once. Rarer checkpoints let a page of the
 * new tables take several commits' writes before it is copied (about 13% fewer bytes written at
 * 100k events). The WAL grows to about 40 MB between checkpoints, a bound that does not depend
 * on the length of the log.
 */
export const bulkDerivedWrites = (database: Database.Database): (() => void) => {
  const autocheckpoint = Number(database.pragma('wal_autocheckpoint', { simple: true }));
  if (autocheckpoint <= 0 || autocheckpoint >= BULK_CHECKPOINT_PAGES) return () => undefined;
  database.pragma(`wal_autocheckpoint = ${BULK_CHECKPOINT_PAGES}`);
  return () => {
    if (database.open) database.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  };
};
