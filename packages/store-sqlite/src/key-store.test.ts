import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteKeyStore } from './key-store.js';

const dir = mkdtempSync(join(tmpdir(), 'idledger-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite key store', () => {
  it('keeps one key per subject across reopening, and forgets it for good', () => {
    const file = join(dir, 'a.keys');
    const keys = openSqliteKeyStore(file);
    const key = keys.keyFor('verification_session-vs_1');
    if (E.isLeft(key)) throw new Error('no key');
    keys.close();

    const reopened = openSqliteKeyStore(file);
    expect(reopened.keyFor('verification_session-vs_1')).toEqual(key);
    expect(reopened.lookup(key.right.kid)).toEqual(E.right({ _tag: 'Found', key: key.right }));
    expect(reopened.destroy('verification_session-vs_1', new Date(1_750_000_000_000))).toEqual(E.right(undefined));
    expect(reopened.destroy('verification_session-vs_1', new Date(1_760_000_000_000))).toEqual(E.right(undefined));
    expect(reopened.lookup(key.right.kid)).toEqual(E.right({ _tag: 'Destroyed', kid: key.right.kid, destroyedAt: new Date(1_750_000_000_000) }));
    expect(reopened.keyFor('verification_session-vs_1')).toEqual(E.left({ _tag: 'SubjectErased', subject: 'verification_session-vs_1' }));
    expect(reopened.lookup('dk_unknown')).toEqual(E.right({ _tag: 'Unknown', kid: 'dk_unknown' }));
    // The key's bytes are gone from the file and its WAL while it is open, not just unlinked from a row.
    expect(readFileSync(file).includes(Buffer.from(key.right.key))).toBe(false);
    expect(existsSync(`${file}-wal`) && readFileSync(`${file}-wal`).includes(Buffer.from(key.right.key))).toBe(false);
    reopened.close();
  });

  it('marks a subject that never had a key as erased', () => {
    const keys = openSqliteKeyStore(join(dir, 'b.keys'));
    keys.destroy('customer-cus_1', new Date(0));
    expect(keys.keyFor('customer-cus_1')).toEqual(E.left({ _tag: 'SubjectErased', subject: 'customer-cus_1' }));
    keys.close();
  });

  it('does not report a key destroyed while another connection keeps its old page in the WAL', () => {
    const file = join(dir, 'c.keys');
    const keys = openSqliteKeyStore(file);
    const key = keys.keyFor('verification_session-vs_2');
    if (E.isLeft(key)) throw new Error('no key');
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM data_keys').get();
    expect(keys.destroy('verification_session-vs_2', new Date(0))).toMatchObject(E.left({ _tag: 'KeyStoreUnavailable' }));
    reader.exec('COMMIT');
    reader.close();
    expect(keys.destroy('verification_session-vs_2', new Date(0))).toEqual(E.right(undefined));
    expect(existsSync(`${file}-wal`) && readFileSync(`${file}-wal`).includes(Buffer.from(key.right.key))).toBe(false);
    keys.close();
  });

  it('makes keys durable in batches, and hands out only the keys it made itself', () => {
    const file = join(dir, 'd.keys');
    const crashed = openSqliteKeyStore(file);
    const first = crashed.keyFor('verification_session-vs_3');
    if (E.isLeft(first)) throw new Error('no key');
    const raw = new Database(file);
    const pooled = () => raw.prepare('SELECT kid FROM pooled_keys WHERE key IS NOT NULL').pluck().all() as Array<string>;
    const leftOver = pooled();
    expect(leftOver.length).toBeGreaterThan(0);

    // Never closed, as after a crash (or another process still running): its pool is not ours.
    const next = openSqliteKeyStore(file);
    const handedOut = new Set<string>();
    for (let i = 0; i < leftOver.length + 5; i++) {
      const key = next.keyFor(`verification_session-vs_new_${i}`);
      if (E.isLeft(key)) throw new Error('no key');
      handedOut.add(key.right.kid);
    }
    for (const kid of leftOver) expect(handedOut.has(kid)).toBe(false);
    for (const kid of leftOver) expect(next.lookup(kid)).toMatchObject(E.right({ _tag: 'Found' }));
    // A clean close takes back what was never handed out; the other store's keys stay.
    const unusedOfNext = pooled().filter((kid) => !leftOver.includes(kid));
    expect(unusedOfNext.length).toBeGreaterThan(0);
    next.close();
    expect(pooled().sort()).toEqual([...leftOver].sort());
    raw.close();
    crashed.close();
  });

  it('keeps a key whose handing-out was lost readable, and destroys it with the subject whose events name it', () => {
    const file = join(dir, 'e.keys');
    const subject = 'verification_session-vs_4';
    const keys = openSqliteKeyStore(file);
    const lost = keys.keyFor(subject);
    if (E.isLeft(lost)) throw new Error('no key');
    keys.close();
    // What a power failure can leave: the unsynced commit that handed the key out is gone.
    const raw = new Database(file);
    raw.pragma('secure_delete = ON');
    raw.prepare('DELETE FROM data_keys WHERE subject = ?').run(subject);
    raw.prepare('INSERT INTO pooled_keys (kid, key, owner) VALUES (?, ?, ?)').run(lost.right.kid, Buffer.from(lost.right.key), 'ks_before_the_failure');
    raw.close();

    const reopened = openSqliteKeyStore(file);
    expect(reopened.lookup(lost.right.kid)).toEqual(E.right({ _tag: 'Found', key: lost.right }));
    const later = reopened.keyFor(subject);
    if (E.isLeft(later)) throw new Error('no key');
    expect(later.right.kid).not.toBe(lost.right.kid);
    const other = reopened.keyFor('verification_session-vs_5');
    if (E.isLeft(other)) throw new Error('no key');

    const goneBytes = [Buffer.from(lost.right.key), Buffer.from(later.right.key)];
    // A stray name of another subject's key is ignored; the lost key goes with its subject.
    expect(reopened.destroy(subject, new Date(0), [lost.right.kid, later.right.kid, other.right.kid])).toEqual(E.right(undefined));
    expect(reopened.lookup(lost.right.kid)).toEqual(E.right({ _tag: 'Destroyed', kid: lost.right.kid, destroyedAt: new Date(0) }));
    expect(reopened.lookup(later.right.kid)).toEqual(E.right({ _tag: 'Destroyed', kid: later.right.kid, destroyedAt: new Date(0) }));
    expect(reopened.lookup(other.right.kid)).toEqual(E.right({ _tag: 'Found', key: other.right }));
    for (const gone of goneBytes) {
      expect(readFileSync(file).includes(gone)).toBe(false);
      expect(existsSync(`${file}-wal`) && readFileSync(`${file}-wal`).includes(gone)).toBe(false);
    }
    reopened.close();
  });

  it('never uses a key that another connection destroyed, though it read it before', () => {
    const file = join(dir, 'f.keys');
    const subject = 'verification_session-vs_6';
    const writer = openSqliteKeyStore(file);
    const eraser = openSqliteKeyStore(file);
    expect(E.isRight(writer.keyFor(subject))).toBe(true);
    expect(eraser.destroy(subject, new Date(0))).toEqual(E.right(undefined));
    expect(writer.keyFor(subject)).toEqual(E.left({ _tag: 'SubjectErased', subject }));
    writer.close();
    eraser.close();
  });

  it('answers lookups inside a snapshot from one view of the keys, never a key destroyed before it began', () => {
    const file = join(dir, 'g.keys');
    const keys = openSqliteKeyStore(file);
    const other = openSqliteKeyStore(file);
    const [first, second, third] = ['verification_session-vs_3', 'verification_session-vs_4', 'verification_session-vs_5'].map((subject) => {
      const key = keys.keyFor(subject);
      if (E.isLeft(key)) throw new Error('no key');
      return key.right;
    });
    const snapshot = keys.snapshot!;

    expect(other.destroy('verification_session-vs_3', new Date(0))).toEqual(E.right(undefined));
    snapshot(() => {
      expect(keys.lookup(first!.kid)).toMatchObject(E.right({ _tag: 'Destroyed' }));
      expect(keys.lookup(second!.kid)).toEqual(E.right({ _tag: 'Found', key: second }));
      expect(keys.lookup(second!.kid)).toEqual(E.right({ _tag: 'Found', key: second }));
      expect(keys.lookup(third!.kid)).toEqual(E.right({ _tag: 'Found', key: third }));
      // Another connection cannot report the key gone while this view may still hold it.
      expect(other.destroy('verification_session-vs_5', new Date(0))).toMatchObject(E.left({ _tag: 'KeyStoreUnavailable' }));
    });
    expect(keys.lookup(third!.kid)).toMatchObject(E.right({ _tag: 'Destroyed' }));
    other.close();
    keys.close();
  });
});
