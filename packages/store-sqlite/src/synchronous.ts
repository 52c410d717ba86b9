import type Database from 'better-sqlite3';

/**
 * Runs `write` with the connection's `synchronous` setting at `level` and puts the previous
 * setting back: how much a commit waits for the disk, chosen per write on one connection.
 */
export const withSynchronous = <A>(database: Database.Database, level: 'NORMAL' | 'FULL', write: () => A): A => {
  const previous = Number(database.pragma('synchronous', { simple: true }));
  const wanted = level === 'FULL' ? 2 : 1;
  if (previous === wanted) return write();
  database.pragma(`synchronous = ${level}`);
  try {
    return write();
  } finally {
    database.pragma(`synchronous = ${previous}`);
  }
};
