import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKeyFile, openEmbeddedLedger } from '@idledger/store-sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Redaction on the embedded ledger, judged on the files themselves: personal data planted in a
 * session is present in the SQLite files before redaction (sealed in the log, readable in the
 * read model) and appears zero times in the raw bytes of every file afterwards, while the log
 * still decodes and a rebuild from it serves the same redacted objects.
 */

const dir = mkdtempSync(join(tmpdir(), 'idledger-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Every byte of every file the ledger keeps: the database, its WAL and shared memory, the key file. */
const rawBytes = (file: string): string =>
  readdirSync(dir)
    .filter((name) => join(dir, name).startsWith(file))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');

describe('redaction on the embedded ledger', () => {
  it('leaves no planted personal data in the raw bytes of any of its files, nor in an export', async () => {
    await fc.assert(
      // Characters JSON escapes (quotes, backslashes, controls) are stored escaped, so a search for
      // the marker as written would find nothing before redaction and prove nothing after it.
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((flavour) => JSON.stringify(flavour) === `"${flavour}"`), fc.nat(), async (flavour, run) => {
        await plantRedactAndSearch(join(dir, `ledger-${run}-${Math.random().toString(36).slice(2)}.db`), flavour);
      }),
      { numRuns: 4 },
    );
  }, 60_000);
});

describe('redaction after a crash lost the record of a handed-out key', () => {
  it('still erases what that key sealed: the session\'s events name it', async () => {
    const file = join(dir, 'lost-handout.db');
    const first = `lostkey${randomBytes(6).toString('hex')}`;
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const session = await ledger.identity.verificationSessions.create({ type: 'document', metadata: { note: first } });
    await ledger.close();
    // What a power failure can leave behind: the key file's unsynced commit that gave the session
    // its key from the pool is gone, the key back in the pool of the store that made it, the
    // event sealed under it kept.
    const keys = new Database(defaultKeyFile(file));
    keys.pragma('secure_delete = ON');
    const row = keys.prepare('SELECT kid, key FROM data_keys WHERE subject = ?').get(`verification_session-${session.id}`) as { kid: string; key: Buffer };
    keys.prepare('DELETE FROM data_keys WHERE subject = ?').run(`verification_session-${session.id}`);
    keys.prepare('INSERT INTO pooled_keys (kid, key, owner) VALUES (?, ?, ?)').run(row.kid, row.key, 'ks_before_the_failure');
    keys.close();

    const reopened = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const vs = reopened.identity.verificationSessions;
    expect((await vs.retrieve(session.id)).metadata).toEqual({ note: first });
    // Written after the loss: sealed under a second key, the one the store now holds for the session.
    const second = `lostkey${randomBytes(6).toString('hex')}`;
    await vs.update(session.id, { metadata: { note: second } });
    const keeper = `keeper${randomBytes(6).toString('hex')}`;
    const other = await vs.create({ type: 'document', metadata: { note: keeper } });
    expect(rawBytes(file).includes(first) && rawBytes(file).includes(second)).toBe(true);

    await vs.redact(session.id);
    await reopened.whenIdle();
    expect(await vs.retrieve(session.id)).toMatchObject({ redaction: { status: 'redacted' }, metadata: {} });
    const after = rawBytes(file);
    expect(after.includes(first)).toBe(false);
    expect(after.includes(second)).toBe(false);
    expect(after.includes(row.key.toString('latin1'))).toBe(false);
    expect((await vs.retrieve(other.id)).metadata).toEqual({ note: keeper });
    await reopened.close();
  });
});

/** Markers made of a random prefix (any script) and random hex, so they occur nowhere by chance. */
const plantRedactAndSearch = async (file: string, flavour: string) => {
  {
    // Names and metadata take any script; an email and an ID number must stay well-formed.
    const mark = (label: string, prefix = flavour) => `${prefix}${label}${randomBytes(6).toString('hex')}`;
    const markers = { meta: mark('meta'), first: mark('first'), last: mark('last'), idNumber: mark('idnum', 'pii'), email: mark('email', 'pii') };
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const vs = ledger.identity.verificationSessions;
    const session = await vs.create({
      type: 'document',
      options: { document: { require_id_number: true } },
      metadata: { note: markers.meta },
      provided_details: { email: `${markers.email}@example.com`, first_name: markers.first, last_name: markers.last, id_number: markers.idNumber },
    });
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    // An unrelated session keeps its personal data: redaction is per session.
    const keeper = mark('keeper');
    const other = await vs.create({ type: 'document', metadata: { note: keeper } });

    const before = rawBytes(file);
    for (const marker of Object.values(markers)) expect(before.includes(latin1(marker)), `${marker} before`).toBe(true);
    expect(existsSync(defaultKeyFile(file))).toBe(true);

    await vs.redact(session.id);
    await ledger.whenIdle();
    const redacted = await vs.retrieve(session.id, { expand: ['verified_outputs'] });
    expect(redacted).toMatchObject({ redaction: { status: 'redacted' }, metadata: {} });
    const after = rawBytes(file);
    for (const marker of Object.values(markers)) expect(after.includes(latin1(marker)), `${marker} after`).toBe(false);
    // Nor in an export, even one asked to include the personal data still held.
    const bundle = await ledger.exportAudit({ includePersonalData: true });
    if (E.isLeft(bundle)) throw new Error(JSON.stringify(bundle.left));
    const exported = [...bundle.right.files.values()].map((bytes) => Buffer.from(bytes).toString('latin1')).join('\n');
    for (const marker of Object.values(markers)) expect(exported.includes(latin1(marker)), `${marker} in the export`).toBe(false);
    expect(exported.includes(latin1(keeper))).toBe(true);
    expect((await vs.retrieve(other.id)).metadata).toEqual({ note: keeper });

    // The log still decodes, and a rebuild from it alone serves the same redacted object.
    const rebuilt = await ledger.readModel.rebuild(ledger.store, ledger.serializer);
    expect(rebuilt.skipped).toBe(0);
    expect(await vs.retrieve(session.id, { expand: ['verified_outputs'] })).toEqual(redacted);
    await ledger.close();

    // And so does a ledger reopened on the files.
    const reopened = await openEmbeddedLedger({ file, processing: false });
    expect(await reopened.identity.verificationSessions.retrieve(session.id, { expand: ['verified_outputs'] })).toEqual(redacted);
    await reopened.close();
    const closed = rawBytes(file);
    for (const marker of Object.values(markers)) expect(closed.includes(latin1(marker)), `${marker} after reopening`).toBe(false);
  }
};

/** The UTF-8 bytes of a marker, as the latin1 string the raw files are read into. */
const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
