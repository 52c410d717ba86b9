import type Database from 'better-sqlite3';

/**
 * Read-model writes are derived data: after a crash they are caught up from the log again, so
 * their commits need not wait for the disk. In WAL mode a NORMAL commit stays consistent, and the
 * next commit of the event store (synchronous FULL) syncs the log file, and so everything
 * written before it, to disk.
 */
export const derivedWrite = <A>(database: Database.Database, write: () => A): A => {
  const previous = Number(database.pragma('synchronous', { simple: true }));
  // 0 OFF, 1 NORMAL: already no stricter than needed.
  if (previous <= 1) return write();
  database.pragma('synchronous = NORMAL');
  try {
    return write();
  } finally {
    database.pragma(`synchronous = ${previous}`);
  }
};
