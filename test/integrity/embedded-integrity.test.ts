import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryKeyStore, testFile } from '@idledger/core';
import { defaultFilesDirectory, openEmbeddedLedger, openLedgerDatabase } from '@idledger/store-sqlite';
import { EVENTS_JSONL, openNote, parseCheckpoint, verifyExport } from '@idledger/integrity';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Tamper evidence on the embedded file: checkpoints signed on a schedule, an event edited in the
 * file shows up as a broken chain in the next export, and a rewritten chain hash makes the
 * ledger refuse to sign a checkpoint that contradicts the last one.
 */

const dir = mkdtempSync(join(tmpdir(), 'idledger-integrity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const checkpointEvents = (file: string) => {
  const database = openLedgerDatabase(file);
  try {
    return (database.prepare("SELECT data FROM events WHERE stream = 'ledger_checkpoints' ORDER BY position").all() as Array<{ data: string }>).map(
      (row) => JSON.parse(row.data) as { size: string; note: string },
    );
  } finally {
    database.close();
  }
};

describe('integrity of the embedded ledger', () => {
  it('signs checkpoints on a schedule, and not again while idle', async () => {
    const file = join(dir, 'scheduled.db');
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0, checkpoints: { everyEvents: 4 } });
    for (let i = 0; i < 6; i++) await ledger.identity.verificationSessions.create({ type: 'document' });
    for (let waited = 0; checkpointEvents(file).length === 0 && waited < 5000; waited += 50) await delay(50);
    const signed = checkpointEvents(file);
    expect(signed.length).toBeGreaterThan(0);
    const opened = openNote(signed[0]!.note, [ledger.signer()]);
    expect(E.isRight(opened)).toBe(true);
    if (E.isRight(opened)) expect(E.isRight(parseCheckpoint(opened.right.text))).toBe(true);
    await delay(1500);
    const idle = checkpointEvents(file).length;
    await delay(1200);
    expect(checkpointEvents(file).length).toBe(idle);
    await ledger.close();
  });

  it('names an event edited inside the file as a broken chain in the next export', async () => {
    const file = join(dir, 'edited.db');
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const session = await ledger.identity.verificationSessions.create({ type: 'document', client_reference_id: 'order-1' });
    await ledger.testHelpers.identity.verificationSessions.verify(session.id);
    await ledger.whenIdle();
    await ledger.close();

    const database = openLedgerDatabase(file);
    const edited = database.prepare("SELECT event_id, data FROM events WHERE type = 'VerificationSessionCreated'").get() as { event_id: string; data: string };
    database.prepare('UPDATE events SET data = ? WHERE event_id = ?').run(edited.data.replace('order-1', 'order-2'), edited.event_id);
    database.close();

    const reopened = await openEmbeddedLedger({ file, processing: false });
    const bundle = await reopened.exportAudit();
    if (E.isLeft(bundle)) throw new Error(JSON.stringify(bundle.left));
    const result = verifyExport(bundle.right.files, [reopened.signer()]);
    expect(result.ok).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'chain', record: expect.objectContaining({ eventId: edited.event_id }) }));
    expect(new TextDecoder().decode(bundle.right.files.get(EVENTS_JSONL))).toContain('order-2');
    await reopened.close();
  });

  it('refuses to sign a checkpoint once a signed part of the log was rewritten', async () => {
    const file = join(dir, 'rewritten.db');
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    await ledger.identity.verificationSessions.create({ type: 'document' });
    expect(E.isRight(await ledger.checkpointNow())).toBe(true);
    await ledger.close();

    const database = openLedgerDatabase(file);
    const first = database.prepare('SELECT event_id, metadata FROM events ORDER BY position LIMIT 1').get() as { event_id: string; metadata: string };
    const metadata = JSON.parse(first.metadata) as { integrity: { hash: string } };
    metadata.integrity.hash = metadata.integrity.hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    database.prepare('UPDATE events SET metadata = ? WHERE event_id = ?').run(JSON.stringify(metadata), first.event_id);
    database.close();

    const reopened = await openEmbeddedLedger({ file, processing: false });
    expect(await reopened.checkpointNow()).toMatchObject(E.left({ _tag: 'InconsistentWithCheckpoint', size: '1' }));
    await reopened.close();
  });

  it('rotates its signing key: an export still verifies with the old public key alone, through the signed succession', async () => {
    const file = join(dir, 'rotated.db');
    // With a schedule, so the checkpointer that signs on it must pick up the new key too.
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0, checkpoints: { everyMs: 3_600_000 } });
    await ledger.identity.verificationSessions.create({ type: 'document' });
    const old = ledger.signer();
    const rotated = await ledger.rotateSigningKey();
    if (E.isLeft(rotated)) throw new Error(rotated.left);
    expect(rotated.right.name).toBe(old.name);
    expect(rotated.right.keyId).not.toBe(old.keyId);
    expect(ledger.signer().verifierKey).toBe(rotated.right.verifierKey);
    await ledger.identity.verificationSessions.create({ type: 'document' });
    expect(E.isRight(await ledger.checkpointNow())).toBe(true);
    const signedBy = (checkpointEvents(file).at(-1) as unknown as { signer: { key_id: string } }).signer.key_id;
    expect(signedBy).toBe(rotated.right.keyId.toString(16).padStart(8, '0'));

    const bundle = await ledger.exportAudit();
    if (E.isLeft(bundle)) throw new Error(JSON.stringify(bundle.left));
    expect([...bundle.right.files.keys()]).toContain('keys/rotation-1.note');
    expect(verifyExport(bundle.right.files, [old]).findings).toEqual([]);
    expect(verifyExport(bundle.right.files, [rotated.right]).ok).toBe(true);

    // A succession statement that was tampered with extends no trust.
    const forged = new Map(bundle.right.files);
    forged.set('keys/rotation-1.note', new TextEncoder().encode(new TextDecoder().decode(bundle.right.files.get('keys/rotation-1.note')).replace('rotation v1', 'rotation v2')));
    const result = verifyExport(forged, [old]);
    expect(result.ok).toBe(false);
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'file', where: 'keys/rotation-1.note' }));
    expect(result.findings).toContainEqual(expect.objectContaining({ kind: 'signature', where: 'manifest.json.sig' }));
    await ledger.close();
  });

  it('keeps uploads beside its file by default, across a restart, and redaction deletes them', async () => {
    const file = join(dir, 'uploads.db');
    const ledger = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const session = await ledger.identity.verificationSessions.create({ type: 'document' });
    const upload = await ledger.endUser.verificationSessions.uploadFile(session.client_secret!, testFile('image/jpeg'), { purpose: 'identity_document' });
    await ledger.close();
    const stored = () => (existsSync(defaultFilesDirectory(file)) ? readdirSync(defaultFilesDirectory(file), { recursive: true }).filter((name) => String(name).includes(upload.id.slice(5, 15))) : []);
    expect(stored().length).toBe(1);

    const reopened = await openEmbeddedLedger({ file, simulatedDelayMs: 0 });
    const flow = await reopened.endUser.verificationSessions.provideDocument(session.client_secret!, { type: 'passport', issuing_country: 'US', front: upload.id });
    expect(flow.id).toBe(session.id);
    await reopened.identity.verificationSessions.redact(session.id);
    await reopened.whenIdle();
    expect(stored()).toEqual([]);
    await reopened.close();
  });

  it('refuses a signing configuration it could not use at open, not at the first export', async () => {
    await expect(openEmbeddedLedger({ file: join(dir, 'bad-signer.db'), signingKey: 'PRIVATE+KEY+not-a-key' })).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('signingKey') });
    await expect(
      openEmbeddedLedger({ file: join(dir, 'no-signer.db'), keyStore: createMemoryKeyStore(), checkpoints: { everyEvents: 10 } }),
    ).rejects.toMatchObject({ code: 'invalid_config', message: expect.stringContaining('signingKey') });
  });
});
