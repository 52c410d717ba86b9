import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultKeyFile, openEmbeddedLedger } from '@idledger/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Redaction on the embedded ledger, judged on the files themselves: personal data planted in a
 * session is present in the SQLite files before redaction (sealed in the log, readable in the
 * read model) and appears zero times in the raw bytes of every file afterwards, while the log
 * still decodes and a rebuild from it serves the same redacted objects.
 */

const dir = mkdtempSync(join(tmpdir(), 'idledger-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark = (label: string) => `pii${label}${randomBytes(6).toString('hex')}`;

/** Every byte of every file the ledger keeps: the database, its WAL and shared memory, the key file. */
const rawBytes = (file: string): string =>
  readdirSync(dir)
    .filter((name) => join(dir, name).startsWith(file))
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');

describe('redaction on the embedded ledger', () => {
  it('leaves no planted personal data in the raw bytes of any of its files', async () => {
    const file = join(dir, 'ledger.db');
    const markers = { meta: mark('meta'), first: mark('first'), last: mark('last'), idNumber: mark('idnum'), email: mark('email') };
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
    for (const marker of Object.values(markers)) expect(before.includes(marker), `${marker} before`).toBe(true);
    expect(existsSync(defaultKeyFile(file))).toBe(true);

    await vs.redact(session.id);
    await ledger.whenIdle();
    const redacted = await vs.retrieve(session.id, { expand: ['verified_outputs'] });
    expect(redacted).toMatchObject({ redaction: { status: 'redacted' }, metadata: {} });
    const after = rawBytes(file);
    for (const marker of Object.values(markers)) expect(after.includes(marker), `${marker} after`).toBe(false);
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
    for (const marker of Object.values(markers)) expect(closed.includes(marker), `${marker} after reopening`).toBe(false);
  });
});
