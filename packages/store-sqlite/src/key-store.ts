import type { DataKey, KeyLookup, KeyStore, KeyStoreError } from '@idledger/core';
import { newDataKey } from '@idledger/core/ledger';
import { describeNoteError, generateSignerKey, parseSignerKey, type NoteSigner } from '@idledger/integrity';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { withSynchronous } from './synchronous.js';

/**
 * The embedded key store: the data keys in a SQLite file of their own, beside the ledger but never
 * inside it, so a copy of the ledger file carries no key. `secure_delete` plus a truncating
 * checkpoint after each destruction leave no old page image of a destroyed key in the file or its
 * WAL.
 *
 * A key must be durable before any event sealed under it commits. Rather than an fsync for every
 * new session, keys are made durable in batches (a pool, one fsync per `POOL_SIZE` keys) and
 * handed to subjects by a commit that is not synced: a crash of the process keeps it, a power
 * failure may lose it. A key whose handing-out was lost is still in the file (its events stay
 * readable). Since nothing can tell afterwards whether such a key was in use, a pool key is only
 * ever handed out by the key store that made it: one that outlived its maker (a crash, a power
 * failure) is never handed out again, and is destroyed with the subject whose events name it
 * (`destroy`'s `sealedWith`). A store closed cleanly deletes the pool keys it never handed out.
 */

export type SqliteKeyStore = KeyStore & {
  /**
   * The key that signs this ledger's checkpoints and exports, created on first use; its name is
   * the log's origin. Kept with the data keys, apart from the events it vouches for.
   */
  readonly ledgerSigner: () => NoteSigner;
  /**
   * A named random secret of 32 bytes, created on first use and kept with the keys (for example
   * the key of request fingerprints), never in the ledger file.
   */
  readonly secret: (name: string) => Uint8Array;
  /**
   * A new signing key under the same origin, kept (and current from then on) only when `adopt` is
   * called, after its succession is recorded. The previous key stays in the file.
   */
  readonly prepareRotation: () => { readonly previous: NoteSigner; readonly next: NoteSigner; readonly adopt: () => void };
  readonly close: () => void;
};

/** How many key lookups a snapshot keeps in memory (a few hundred bytes each). */
const LOOKUP_CACHE_ENTRIES = 1024;

interface KeyRow {
  readonly subject: string;
  readonly kid: string;
  readonly key: Buffer | null;
  readonly destroyed_at: number | null;
}

/** Keys made durable together, one fsync for all of them. */
const POOL_SIZE = 32;

const unavailable = (error: unknown): KeyStoreError => ({ _tag: 'KeyStoreUnavailable', message: error instanceof Error ? error.message : String(error) });

const attempt = <A>(run: () => A): E.Either<KeyStoreError, A> => {
  try {
    return E.right(run());
  } catch (error) {
    return E.left(unavailable(error));
  }
};

export const openSqliteKeyStore = (file: string, options: { readonly busyTimeoutMs?: number } = {}): SqliteKeyStore => {
  const database = new Database(file);
  try {
    database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
    database.pragma('secure_delete = ON');
    database.exec(`CREATE TABLE IF NOT EXISTS data_keys (
      subject TEXT PRIMARY KEY, kid TEXT NOT NULL UNIQUE, key BLOB, destroyed_at INTEGER
    ) STRICT`);
    // `owner`: the key store that made the key and alone may hand it out; NULL once destroyed.
    database.exec(`CREATE TABLE IF NOT EXISTS pooled_keys (
      kid TEXT PRIMARY KEY, key BLOB, owner TEXT, destroyed_at INTEGER
    ) STRICT`);
    database.exec('CREATE TABLE IF NOT EXISTS ledger_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT');
    database.exec('CREATE TABLE IF NOT EXISTS signing_keys (serial INTEGER PRIMARY KEY, origin TEXT NOT NULL, signer_key TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT');
  } catch (error) {
    database.close();
    throw error;
  }
  const bySubject = database.prepare('SELECT subject, kid, key, destroyed_at FROM data_keys WHERE subject = ?');
  const byKid = database.prepare('SELECT subject, kid, key, destroyed_at FROM data_keys WHERE kid = ?');
  const pooledByKid = database.prepare('SELECT kid, key, destroyed_at FROM pooled_keys WHERE kid = ?');
  const insert = database.prepare('INSERT OR IGNORE INTO data_keys (subject, kid, key, destroyed_at) VALUES (?, ?, ?, ?)');
  const destroyKey = database.prepare('UPDATE data_keys SET key = NULL, destroyed_at = ? WHERE subject = ? AND key IS NOT NULL');
  const destroyPooled = database.prepare('UPDATE pooled_keys SET key = NULL, destroyed_at = ?, owner = NULL WHERE kid = ? AND key IS NOT NULL');
  // This store's own: a random name per opening, so no other store, and no later opening, hands its keys out.
  const owner = `ks_${randomBytes(12).toString('hex')}`;
  const nextReady = database.prepare('SELECT kid, key FROM pooled_keys WHERE owner = ? LIMIT 1');
  const takeReady = database.prepare('DELETE FROM pooled_keys WHERE kid = ? AND owner = ?');
  const addReady = database.prepare('INSERT INTO pooled_keys (kid, key, owner) VALUES (?, ?, ?)');
  const dropUnused = database.prepare('DELETE FROM pooled_keys WHERE owner = ?');

  /**
   * Lookups inside `snapshot`: one read transaction on the key file, so every lookup in it sees
   * the same keys and a key met again is answered from memory. Outside a snapshot every lookup
   * reads the file. This connection's own writes empty the memory; another connection's commit
   * cannot land inside the snapshot's view (WAL readers keep the view they began with).
   */
  const lookups = new Map<string, KeyLookup>();
  let inSnapshot = false;
  const forgetLookups = () => lookups.clear();
  const cachedLookup = (kid: string, load: (kid: string) => KeyLookup): KeyLookup => {
    if (!inSnapshot) return load(kid);
    const held = lookups.get(kid);
    if (held !== undefined) return held;
    const found = load(kid);
    if (lookups.size >= LOOKUP_CACHE_ENTRIES) lookups.delete(lookups.keys().next().value!);
    lookups.set(kid, found);
    return found;
  };
  const snapshot = <A>(read: () => A): A => {
    if (inSnapshot) return read();
    inSnapshot = true;
    try {
      return database.transaction(read).deferred();
    } finally {
      inSnapshot = false;
      forgetLookups();
    }
  };

  const asKey = (row: Pick<KeyRow, 'kid' | 'key'>): DataKey | undefined => (row.key === null ? undefined : { kid: row.kid, key: new Uint8Array(row.key) });

  const refill = database.transaction(() => {
    for (let i = 0; i < POOL_SIZE; i++) {
      const fresh = newDataKey();
      addReady.run(fresh.kid, Buffer.from(fresh.key), owner);
    }
  });

  // Two ledgers on one file may both hand out a subject's first key: the insert that loses is
  // ignored, its pool key is gone from the pool all the same, and both read back the same row.
  const handOut = database.transaction((subject: string): KeyRow | 'pool empty' => {
    const held = bySubject.get(subject) as KeyRow | undefined;
    if (held !== undefined) return held;
    const ready = nextReady.get(owner) as { kid: string; key: Buffer } | undefined;
    if (ready === undefined) return 'pool empty';
    takeReady.run(ready.kid, owner);
    insert.run(subject, ready.kid, ready.key, null);
    return bySubject.get(subject) as KeyRow;
  });

  // A subject's key is read without a transaction (one indexed row); only its first use writes.
  const keyFor = (subject: string): E.Either<KeyStoreError, DataKey> => {
    let row = bySubject.get(subject) as KeyRow | undefined;
    while (row === undefined) {
      // The hand-out is the one commit that may wait for no disk: the key itself is already durable.
      const outcome = withSynchronous(database, 'NORMAL', () => handOut.immediate(subject));
      if (outcome === 'pool empty') refill.immediate();
      else row = outcome;
    }
    const key = asKey(row);
    return key === undefined ? E.left({ _tag: 'SubjectErased', subject }) : E.right(key);
  };

  const destroy = database.transaction((subject: string, at: Date, sealedWith: ReadonlyArray<string>) => {
    forgetLookups();
    const at_ = Math.floor(at.getTime() / 1000);
    if (destroyKey.run(at_, subject).changes === 0) insert.run(subject, newDataKey().kid, null, at_);
    // Only pool keys: a key handed to another subject is that subject's.
    for (const kid of sealedWith) destroyPooled.run(at_, kid);
  });

  const currentSigner = database.prepare('SELECT origin, signer_key FROM signing_keys ORDER BY serial DESC LIMIT 1');
  const insertSigner = database.prepare('INSERT INTO signing_keys (origin, signer_key, created_at) VALUES (?, ?, ?)');
  const parsed = (row: { signer_key: string }): NoteSigner => {
    const signer = parseSignerKey(row.signer_key);
    if (E.isLeft(signer)) throw new Error(`the stored signing key is unreadable: ${describeNoteError(signer.left)}`);
    return signer.right;
  };
  const ledgerSigner = database.transaction((): NoteSigner => {
    let row = currentSigner.get() as { origin: string; signer_key: string } | undefined;
    if (row === undefined) {
      const origin = `idledger/${randomBytes(6).toString('hex')}`;
      insertSigner.run(origin, generateSignerKey(origin), Math.floor(Date.now() / 1000));
      row = currentSigner.get() as { origin: string; signer_key: string };
    }
    return parsed(row);
  });
  const insertSecret = database.prepare('INSERT OR IGNORE INTO ledger_secrets (name, value) VALUES (?, ?)');
  const selectSecret = database.prepare('SELECT value FROM ledger_secrets WHERE name = ?');
  const secret = database.transaction((name: string): Uint8Array => {
    insertSecret.run(name, randomBytes(32));
    return new Uint8Array((selectSecret.get(name) as { value: Buffer }).value);
  });

  const prepareRotation = () => {
    const previous = ledgerSigner.immediate();
    const nextKey = generateSignerKey(previous.name);
    const next = parsed({ signer_key: nextKey });
    return { previous, next, adopt: () => void insertSigner.run(previous.name, nextKey, Math.floor(Date.now() / 1000)) };
  };

  return {
    ledgerSigner: () => ledgerSigner.immediate(),
    prepareRotation,
    secret: (name) => secret.immediate(name),
    keyFor: (subject) => E.flatten(attempt(() => keyFor(subject))),
    lookup: (kid) =>
      attempt(() =>
        cachedLookup(kid, (): KeyLookup => {
          const row = (byKid.get(kid) ?? pooledByKid.get(kid)) as Pick<KeyRow, 'kid' | 'key' | 'destroyed_at'> | undefined;
          if (row === undefined) return { _tag: 'Unknown', kid };
          const key = asKey(row);
          return key === undefined ? { _tag: 'Destroyed', kid, destroyedAt: new Date((row.destroyed_at ?? 0) * 1000) } : { _tag: 'Found', key };
        }),
      ),
    destroy: (subject, at, sealedWith = []) =>
      E.flatten(
        attempt((): E.Either<KeyStoreError, void> => {
          destroy.immediate(subject, at, sealedWith);
          // The page that held the key is still in the WAL until it is checkpointed and truncated;
          // a reader holding the file open blocks that, and then the key is not gone yet.
          // Without waiting: better-sqlite3 is synchronous, and a wait here would stall the process; the job retries.
          const busyTimeout = Number(database.pragma('busy_timeout', { simple: true }));
          database.pragma('busy_timeout = 0');
          let result: { busy: number; log: number; checkpointed: number } | undefined;
          try {
            [result] = database.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
          } finally {
            database.pragma(`busy_timeout = ${busyTimeout}`);
          }
          return result !== undefined && result.busy === 0 && result.log === result.checkpointed
            ? E.right(undefined)
            : E.left({ _tag: 'KeyStoreUnavailable', message: 'the destroyed key is still in the key file\'s WAL: another connection is reading it; retry' });
        }),
      ),
    snapshot,
    close: () => {
      // What is left of this store's pool was never handed out: nothing is sealed under it.
      try {
        dropUnused.run(owner);
      } finally {
        database.close();
      }
    },
  };
};
