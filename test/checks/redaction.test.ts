import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testFile } from '@idledger/core';
import { openEmbeddedLedger } from '@idledger/store-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { NOW, validDocument } from './flow.js';

/**
 * Redaction of what the end user handed over: the document's fields and the ID number, planted
 * as markers, are gone from the raw bytes of the ledger's files, and the uploaded images are
 * deleted from the file store before the redaction is recorded as complete.
 */

const dir = mkdtempSync(join(tmpdir(), 'idledger-flow-raw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark = (label: string) => `pii${label}${randomBytes(6).toString('hex')}`;

const filesUnder = (root: string): string[] =>
  readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

const rawBytes = () =>
  filesUnder(dir)
    .map((path) => readFileSync(path).toString('latin1'))
    .join('\n');

describe('redaction of the end-user flow', () => {
  it('leaves no planted input in the ledger files and deletes the uploaded images', async () => {
    const markers = { first: mark('first'), last: mark('last'), number: mark('num'), place: mark('place'), line1: mark('line') };
    const config = { file: join(dir, 'ledger.db'), filesDirectory: join(dir, 'files'), clock: () => new Date(NOW) };
    const ledger = await openEmbeddedLedger(config);
    const vs = ledger.identity.verificationSessions;
    const session = await vs.create({ type: 'document', options: { document: { require_matching_selfie: true, require_id_number: true } } });
    const secret = session.client_secret!;
    const flow = ledger.endUser.verificationSessions;
    const front = await flow.uploadFile(secret, testFile('image/jpeg', undefined, mark('front')), { purpose: 'identity_document' });
    const selfie = await flow.uploadFile(secret, testFile('image/png', undefined, mark('selfie')), { purpose: 'selfie' });
    await flow.provideDocument(secret, {
      ...validDocument,
      front: front.id,
      first_name: markers.first,
      last_name: markers.last,
      number: markers.number,
      unparsed_place_of_birth: markers.place,
      address: { line1: markers.line1, country: 'US' },
    });
    await flow.provideSelfie(secret, { selfie: selfie.id, live_capture: true });
    // Uploaded, then replaced by another picture: no input names it, redaction still finds it.
    const abandoned = await flow.uploadFile(secret, testFile('image/png', undefined, mark('abandoned')), { purpose: 'selfie' });
    await flow.provideIdNumber(secret, { id_number: '772-12-3456' });
    await flow.consent(secret, { granted: true });
    await flow.submit(secret);
    await ledger.whenIdle();
    expect((await vs.retrieve(session.id)).status).toBe('verified');

    const before = rawBytes();
    for (const marker of [...Object.values(markers), '772-12-3456']) expect(before.includes(marker), `${marker} before`).toBe(true);
    const stored = (id: string) => existsSync(join(dir, 'files', id.slice(5, 7), id));
    expect(stored(front.id) && stored(selfie.id) && stored(abandoned.id)).toBe(true);

    await vs.redact(session.id);
    await ledger.whenIdle();
    expect((await vs.retrieve(session.id)).redaction).toEqual({ status: 'redacted' });
    const after = rawBytes();
    for (const marker of [...Object.values(markers), '772-12-3456']) expect(after.includes(marker), `${marker} after`).toBe(false);
    expect(stored(front.id) || stored(selfie.id) || stored(abandoned.id)).toBe(false);
    // The log still decodes without the erased data.
    expect((await ledger.readModel.rebuild(ledger.store, ledger.serializer)).skipped).toBe(0);
    await ledger.close();
  });
});
