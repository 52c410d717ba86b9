import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFile } from '@idledger/core';
import { openEmbeddedLedger } from '@idledger/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { NOW, validDocument } from './flow.js';

/** On the embedded ledger, what the end user handed over survives a restart: events in SQLite, files on disk. */

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the end-user flow on the embedded ledger', () => {
  it('keeps inputs and files across a restart, and the secret still opens the session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idledger-checks-'));
    directories.push(dir);
    const config = { file: join(dir, 'ledger.db'), filesDirectory: join(dir, 'files'), clock: () => new Date(NOW) };

    const first = await openEmbeddedLedger(config);
    const session = await first.identity.verificationSessions.create({ type: 'document', options: { document: { require_matching_selfie: true } } });
    const secret = session.client_secret!;
    const flow = first.endUser.verificationSessions;
    const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, 'embedded front'), { purpose: 'identity_document' });
    const selfie = await flow.uploadFile(secret, testFile('image/png', undefined, 'embedded selfie'), { purpose: 'selfie' });
    await flow.provideDocument(secret, { ...validDocument, front: front.id });
    await flow.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
    await first.close();

    const second = await openEmbeddedLedger(config);
    try {
      const resumed = second.endUser.verificationSessions;
      expect((await resumed.retrieve(secret)).missing).toEqual(['consent']);
      await resumed.consent(secret, { granted: true });
      await resumed.submit(secret);
      await second.whenIdle();
      const after = await second.identity.verificationSessions.retrieve(session.id, { expand: ['last_verification_report'] });
      expect(after.status).toBe('verified');
      expect(after.last_verification_report).toMatchObject({ document: { files: [front.id] }, selfie: { selfie: selfie.id, document: front.id } });
    } finally {
      await second.close();
    }
  });
});
