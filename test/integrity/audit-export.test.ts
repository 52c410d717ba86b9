import { createIdentityLedger, createMemoryEventStore, exportAudit, type IdentityLedger } from '@idledger/core';
import { keysOf } from '@idledger/core/testing';
import {
  EVENTS_JSONL,
  formatCheckpoint,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifyExport,
  type NoteSigner,
} from '@idledger/integrity';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The audit export and its offline verifier, end to end: a ledger with verified, failed,
 * canceled and redacted sessions is exported; the bundle verifies with the public key alone;
 * and every single mutation of a record (byte flip, drop, swap, insert) is detected and located.
 */

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right: ${JSON.stringify(either.left)}`);
  return either.right;
};

const signer: NoteSigner = right(parseSignerKey(generateSignerKey('idledger.test/ledger')));
const verifiers = [right(parseVerifierKey(signer.verifierKey))];
let ledger: IdentityLedger;
let ids: { verified: string; failed: string; redacted: string; customer: string };

const attemptExport = async (query: Parameters<typeof exportAudit>[1] = {}) =>
  exportAudit(
    {
      store: ledger.store,
      serializer: ledger.serializer,
      signer,
      origin: 'idledger.test/ledger',
      generator: 'idledger test',
      clock: () => new Date(),
      newEventId: () => crypto.randomUUID(),
      actor: { type: 'system', component: 'audit-export' },
    },
    query,
  );

const exportOf = async (query: Parameters<typeof exportAudit>[1] = {}) => right(await attemptExport(query));

const eventCount = async () => {
  let count = 0;
  for await (const _event of ledger.store.readAll()) count += 1;
  return count;
};

beforeAll(async () => {
  const store = createMemoryEventStore();
  ledger = await createIdentityLedger({ store, keyStore: keysOf(store), simulatedDelayMs: 0 });
  const vs = ledger.identity.verificationSessions;
  const customer = await ledger.customers.create({ email: 'ada@example.com', name: 'Ada Lovelace' });
  const verified = await vs.create({ type: 'document', related_customer: customer.id, metadata: { order: '=1+1' }, provided_details: { email: 'ada@example.com' } });
  await ledger.testHelpers.identity.verificationSessions.verify(verified.id);
  const failed = await vs.create({ type: 'document' });
  await ledger.testHelpers.identity.verificationSessions.unverify(failed.id, { last_error: { code: 'document_expired' } });
  const redacted = await vs.create({ type: 'id_number', provided_details: { email: 'grace@example.com' } });
  await ledger.testHelpers.identity.verificationSessions.verify(redacted.id);
  await ledger.whenIdle();
  await vs.redact(redacted.id);
  await vs.cancel((await vs.create({ type: 'document' })).id);
  await ledger.whenIdle();
  ids = { verified: verified.id, failed: failed.id, redacted: redacted.id, customer: customer.id };
});

afterAll(async () => ledger.close());

describe('the audit export', () => {
  it('verifies offline with the public key alone, and reports erased payloads as such', async () => {
    const bundle = await exportOf();
    const result = verifyExport(bundle.files, verifiers);
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.records).toBe(bundle.records);
    expect(result.payloadsErased).toBeGreaterThan(0);
    expect(result.payloadsWithheld).toBeGreaterThan(0);
    const text = new TextDecoder().decode(bundle.files.get(EVENTS_JSONL));
    expect(text).not.toContain('grace@example.com');
    expect(text).not.toContain('ada@example.com');
  });

  it('checks the personal data it includes against its commitments', async () => {
    const bundle = await exportOf({ session: ids.verified, includePersonalData: true });
    const text = new TextDecoder().decode(bundle.files.get(EVENTS_JSONL));
    expect(text).toContain('ada@example.com');
    const result = verifyExport(bundle.files, verifiers);
    expect(result.findings).toEqual([]);
    expect(result.payloadsWithheld).toBe(0);
  });

  it('exports one session, or a customer with its sessions, as whole chains', async () => {
    const one = verifyExport((await exportOf({ session: ids.failed })).files, verifiers);
    expect(one.ok).toBe(true);
    const customer = await exportOf({ customer: ids.customer });
    const lines = new TextDecoder().decode(customer.files.get(EVENTS_JSONL)).trim().split('\n').map((line) => JSON.parse(line) as { header: { stream: string } });
    expect(new Set(lines.map((line) => line.header.stream))).toEqual(new Set([`customer-${ids.customer}`, `verification_session-${ids.verified}`]));
    expect(verifyExport(customer.files, verifiers).ok).toBe(true);
  });

  it('refuses a bundle signed by another key', async () => {
    const other = right(parseVerifierKey(right(parseSignerKey(generateSignerKey('someone.else/ledger'))).verifierKey));
    const result = verifyExport((await exportOf({ session: ids.failed })).files, [other]);
    expect(result.ok).toBe(false);
    expect(result.findings.map((finding) => finding.kind)).toEqual(expect.arrayContaining(['signature', 'checkpoint']));
  });

  it('locates every single mutation of a record: byte flip, drop, swap, insert', async () => {
    const bundle = await exportOf();
    const lines = new TextDecoder().decode(bundle.files.get(EVENTS_JSONL)).replace(/\n$/, '').split('\n');
    const eventIdAt = (index: number) => (JSON.parse(lines[index]!) as { header: { event_id: string } }).header.event_id;
    const withLines = (changed: ReadonlyArray<string>) => new Map([...bundle.files, [EVENTS_JSONL, new TextEncoder().encode(changed.map((line) => `${line}\n`).join(''))]]);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), line: fc.nat(lines.length - 1), at: fc.nat(), bit: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('drop' as const), line: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant('swap' as const), line: fc.nat(lines.length - 2) }),
      fc.record({ kind: fc.constant('insert' as const), line: fc.nat(lines.length), copyOf: fc.nat(lines.length - 1) }),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        const changed = [...lines];
        let expected: { kind: string; eventId?: string; line?: number };
        switch (m.kind) {
          case 'flip': {
            const line = changed[m.line]!;
            const at = m.at % line.length;
            const flipped = String.fromCharCode(line.charCodeAt(at) ^ (1 << m.bit));
            changed[m.line] = line.slice(0, at) + flipped + line.slice(at + 1);
            if (changed[m.line] === line) return true;
            // A flip that makes a newline splits the record in two: it is then reported as removed
            // (by its event id) with the halves inserted, which still names it.
            expected = flipped === '\n' ? { kind: 'removed', eventId: eventIdAt(m.line) } : { kind: 'modified', line: m.line + 1 };
            break;
          }
          case 'drop':
            changed.splice(m.line, 1);
            expected = { kind: 'removed', eventId: eventIdAt(m.line) };
            break;
          case 'swap':
            [changed[m.line], changed[m.line + 1]] = [changed[m.line + 1]!, changed[m.line]!];
            expected = { kind: 'reordered' };
            break;
          case 'insert':
            changed.splice(m.line, 0, lines[m.copyOf]!);
            expected = { kind: 'inserted', line: m.line + 1 };
            break;
        }
        const result = verifyExport(withLines(changed), verifiers);
        expect(result.ok).toBe(false);
        const located = result.findings.filter((finding) => finding.kind === expected.kind);
        expect(located.length, JSON.stringify(result.findings.slice(0, 4))).toBeGreaterThan(0);
        if (expected.eventId !== undefined) expect(located.map((finding) => finding.record?.eventId)).toContain(expected.eventId);
        if (expected.line !== undefined && expected.kind === 'modified') expect(located.map((finding) => finding.record?.line)).toContain(expected.line);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('proves to a recipient holding an earlier checkpoint that the log extends it', async () => {
    const first = await exportOf();
    const held = new TextDecoder().decode(first.files.get('checkpoint.note'));
    await ledger.identity.verificationSessions.create({ type: 'document' });
    const second = await exportOf();
    const name = `proofs/consistency-${first.checkpoint.size}-${second.checkpoint.size}.json`;
    expect([...second.files.keys()]).toContain(name);
    expect(verifyExport(second.files, verifiers, { previousCheckpoint: held }).findings).toEqual([]);

    // A checkpoint of a history this log does not extend (same signer, another root) is caught.
    const forged = right(
      signNote(formatCheckpoint({ origin: 'idledger.test/ledger', size: first.checkpoint.size, rootHash: new Uint8Array(32).fill(7), extensions: [] }), [signer]),
    );
    expect(verifyExport(second.files, verifiers, { previousCheckpoint: forged }).findings).toContainEqual(expect.objectContaining({ kind: 'consistency', where: name }));
    // And a tampered proof in the bundle is caught even without one.
    const tampered = new Map(second.files);
    tampered.set(name, new TextEncoder().encode(new TextDecoder().decode(second.files.get(name)).replace(/"proof": \[\n    "(.)/, (_all, c: string) => `"proof": [\n    "${c === '0' ? '1' : '0'}`)));
    expect(verifyExport(tampered, verifiers).findings.map((finding) => finding.kind)).toEqual(expect.arrayContaining(['consistency']));
  });

  it('never throws on a hostile bundle: every oddity becomes a finding', async () => {
    const bundle = await exportOf({ session: ids.failed });
    const text = (name: string) => new TextDecoder().decode(bundle.files.get(name));
    const manifest = JSON.parse(text('manifest.json')) as Record<string, unknown>;
    const lines = text(EVENTS_JSONL).trim().split('\n');
    const record = JSON.parse(lines[0]!) as { header: Record<string, unknown> };
    const withFile = (name: string, content: string) => new Map([...bundle.files, [name, new TextEncoder().encode(content)]]);
    const hostile = [
      withFile('manifest.json', JSON.stringify({ ...manifest, query: undefined })),
      withFile('manifest.json', JSON.stringify({ ...manifest, files: [null] })),
      withFile('manifest.json', JSON.stringify({ ...manifest, records: [null, 7] })),
      withFile('manifest.json', 'null'),
      withFile(EVENTS_JSONL, `${JSON.stringify({ ...record, header: { ...record.header, revision: '18446744073709551616' } })}\n`),
      withFile(EVENTS_JSONL, `${JSON.stringify({ ...record, header: { ...record.header, data: '@' } }).replace('"@"', '1e400')}\n`),
      withFile(EVENTS_JSONL, `${JSON.stringify({ ...record, header: { ...record.header, stream: 'x' } }).replace('"x"', '"\\ud800"')}\n`),
      withFile('proofs/consistency-1-2.json', '{"v":1}'),
    ];
    for (const files of hostile) {
      const result = verifyExport(files, verifiers);
      expect(result.ok).toBe(false);
      expect(result.findings.length).toBeGreaterThan(0);
    }
  });

  it.each([
    { query: { session: 'vs_does_not_exist' }, param: 'session', mentions: 'vs_does_not_exist' },
    { query: { customer: 'cus_does_not_exist' }, param: 'customer', mentions: 'cus_does_not_exist' },
    { query: { from: new Date('nope') }, param: 'from', mentions: '`from`' },
    { query: { to: new Date('nope') }, param: 'to', mentions: '`to`' },
    { query: { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-01-01T00:00:00Z') }, param: 'to', mentions: '`to`' },
    { query: { from: new Date('2030-01-02T00:00:00Z'), to: new Date('2030-01-01T00:00:00Z') }, param: 'to', mentions: '`to`' },
  ])('refuses a query naming what cannot be selected ($param: $mentions) and records nothing', async ({ query, param, mentions }) => {
    await ledger.whenIdle();
    const before = await eventCount();
    const refused = await attemptExport(query);
    expect(refused).toEqual(E.left({ _tag: 'InvalidExportQuery', param, message: expect.stringContaining(mentions) }));
    expect(await eventCount()).toBe(before);
  });

  it('accepts a named session and customer that exist, within a non-empty time range', async () => {
    const bundle = await exportOf({ session: ids.verified, customer: ids.customer, from: new Date(0), to: new Date('2999-01-01T00:00:00Z') });
    expect(bundle.records).toBeGreaterThan(0);
  });

  it("carries a subject's compliance record: holds placed and redactions refused", async () => {
    await ledger.compliance.legalHolds.place(ids.failed, { reference: 'case-9', reason: 'litigation' });
    await expect(ledger.identity.verificationSessions.redact(ids.failed)).rejects.toMatchObject({ code: 'session_under_legal_hold' });
    const bundle = await exportOf({ session: ids.failed });
    const types = new TextDecoder().decode(bundle.files.get(EVENTS_JSONL)).trim().split('\n').map((line) => (JSON.parse(line) as { header: { type: string } }).header.type);
    expect(types).toEqual(expect.arrayContaining(['LegalHoldPlaced', 'RedactionRefused']));
    expect(verifyExport(bundle.files, verifiers).findings).toEqual([]);
  });
});
