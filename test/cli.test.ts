import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type Io } from 'idledger';
import { afterAll, describe, expect, it } from 'vitest';

/** The idledger command, run in-process on a temporary ledger file. */

const directory = mkdtempSync(join(tmpdir(), 'idledger-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const run = async (...argv: ReadonlyArray<string>) => {
  const out: Array<string> = [];
  const err: Array<string> = [];
  const io: Io = { out: (text) => out.push(text), err: (text) => err.push(text), interactive: false };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('idledger', () => {
  const db = join(directory, 'ledger.db');

  it('demo runs the seed flows and shows sessions, reports and the audit timeline', async () => {
    const { code, out } = await run('demo', '--db', db);
    expect(code).toBe(0);
    expect(out).toContain('Sessions');
    expect(out).toMatch(/vs_\w+\s+document\s+verified .* redacted/);
    expect(out).toMatch(/selfie=unverified \(selfie_face_mismatch\)/);
    expect(out).toContain('VerificationSessionRedacted');
    expect(out).toContain('system:verification');
  }, 30_000);

  it('demo --json gives objects a program can read', async () => {
    const { code, out } = await run('demo', '--db', join(directory, 'json.db'), '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { sessions: Array<{ status: string }>; reports: Array<unknown>; audit: { events: Array<{ revision: string }> } };
    expect(parsed.sessions.map(({ status }) => status)).toEqual(['verified', 'verified', 'canceled']);
    expect(parsed.reports).toHaveLength(3);
    expect(parsed.audit.events.map(({ revision }) => revision)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  }, 30_000);

  it('lists and shows sessions and reports, with filters', async () => {
    const verified = JSON.parse((await run('sessions', 'list', '--db', db, '--status', 'verified', '--json')).out) as Array<{ id: string; status: string }>;
    expect(verified).toHaveLength(2);
    expect(verified.every(({ status }) => status === 'verified')).toBe(true);
    const shown = await run('sessions', 'show', verified[0]!.id, '--db', db, '--json');
    expect(JSON.parse(shown.out)).toMatchObject({ id: verified[0]!.id, object: 'identity.verification_session' });
    const reports = JSON.parse((await run('reports', 'list', '--db', db, '--session', verified[1]!.id, '--json')).out) as Array<{ id: string }>;
    expect(reports.length).toBeGreaterThan(0);
    expect((await run('reports', 'show', reports[0]!.id, '--db', db)).out).toContain('identity.verification_report');
  });

  it('history shows the session at a revision or a moment, with each event and its actor', async () => {
    const sessions = JSON.parse((await run('sessions', 'list', '--db', db, '--json')).out) as Array<{ id: string; redaction: unknown }>;
    const redacted = sessions.find(({ redaction }) => redaction !== null)!;
    const atTwo = JSON.parse((await run('history', redacted.id, '--db', db, '--revision', '2', '--json')).out) as {
      session: { status: string; last_error: { code: string } };
      events: Array<{ type: string; actor: { type: string } }>;
    };
    expect(atTwo.session.status).toBe('requires_input');
    expect(atTwo.session.last_error.code).toBe('selfie_face_mismatch');
    expect(atTwo.events.map(({ type }) => type)).toEqual(['VerificationSessionCreated', 'VerificationSessionSubmitted', 'VerificationSessionChecksFailed']);
    // Before its creation the session did not exist.
    expect(await run('history', redacted.id, '--db', db, '--as-of', '1970-01-02T00:00:00Z')).toMatchObject({ code: 1, err: expect.stringContaining('No such VerificationSession') });
    const now = await run('history', redacted.id, '--db', db);
    expect(now.out).toContain('VerificationSessionRedacted');
  });

  it('rebuild replays the log into fresh tables, and the lists are unchanged', async () => {
    const before = (await run('sessions', 'list', '--db', db, '--json')).out;
    const all = await run('rebuild', '--db', db, '--json');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.out)).toMatchObject({ projections: ['sessions', 'reports', 'audit', 'customers', 'idempotency'] });
    expect((await run('rebuild', 'reports', '--db', db)).out).toMatch(/^Rebuilt reports from \d+ events/);
    expect((await run('sessions', 'list', '--db', db, '--json')).out).toBe(before);
  });

  it('refuses bad input with a message and a non-zero exit', async () => {
    expect(await run('rebuild', 'everything', '--db', db)).toMatchObject({ code: 2, err: expect.stringContaining("Unknown projection 'everything'") });
    expect(await run('sessions', 'show', 'vs_missing', '--db', db)).toMatchObject({ code: 1, err: expect.stringContaining("No such VerificationSession: 'vs_missing'") });
    expect(await run('sessions', 'list', '--db', join(directory, 'absent.db'))).toMatchObject({ code: 1, err: expect.stringContaining('No ledger at') });
    expect((await run('sessions', 'list', '--db', db, '--limit', 'zero')).code).toBe(1);
    expect((await run('history', 'vs_x', '--db', db, '--revision', '1', '--as-of', '2020-01-01')).code).not.toBe(0);
    expect((await run('frobnicate')).code).not.toBe(0);
    expect((await run('sessions', 'list', '--db', db, '--limit', '20000')).code).toBe(1);
  });

  it('runs demo in test mode only, and writes nothing with a live key', async () => {
    const live = join(directory, 'live.db');
    expect(await run('demo', '--db', live, '--api-key', 'sk_live_demo')).toMatchObject({ code: 2, err: expect.stringContaining('test mode') });
    expect(existsSync(live)).toBe(false);
  });
  it('audit export writes a bundle that audit verify checks offline with the public key, naming a tampered record', async () => {
    const keyFile = join(directory, 'ledger.pub');
    const key = await run('keys', 'public', '--db', db);
    expect(key.code).toBe(0);
    expect(key.out).toMatch(/^idledger\/[0-9a-f]{12}\+[0-9a-f]{8}\+\S+$/);
    writeFileSync(keyFile, `${key.out}\n`);
    const out = join(directory, 'export');
    const exported = await run('audit', 'export', '--db', db, '--out', out);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/Exported \d+ events/);
    const verified = await run('audit', 'verify', out, '--public-key', keyFile);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^OK: \d+ records, 0 problems/m);

    expect((await run('audit', 'export', '--db', db, '--out', out)).code).toBe(2);
    const unknown = await run('audit', 'export', '--db', db, '--out', join(directory, 'export-unknown'), '--session', 'vs_does_not_exist');
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining("--session: No such verification session: 'vs_does_not_exist'") });
    expect(existsSync(join(directory, 'export-unknown'))).toBe(false);

    const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n');
    const eventId = (JSON.parse(lines[2]!) as { header: { event_id: string } }).header.event_id;
    lines[2] = lines[2]!.replace('"recorded_at":"2', '"recorded_at":"1');
    writeFileSync(join(out, 'events.jsonl'), lines.join('\n'));
    const tampered = await run('audit', 'verify', out, '--public-key', keyFile);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`FAIL modified: events.jsonl line 3 (leaf 2, event ${eventId})`);
  }, 30_000);
  it('holds and retention sweep: a held session survives the sweep, the others are redacted', async () => {
    const file = join(directory, 'retention.db');
    expect((await run('demo', '--db', file)).code).toBe(0);
    const listed = JSON.parse((await run('sessions', 'list', '--db', file, '--status', 'verified', '--json')).out) as Array<{ id: string; redaction: unknown }>;
    const held = listed.find((session) => session.redaction === null)!;
    const placed = await run('holds', 'place', held.id, '--db', file, '--reference', 'case-7', '--reason', 'litigation', '--json');
    expect(placed.code).toBe(0);
    expect(JSON.parse(placed.out)).toMatchObject({ object: 'legal_hold', subject: held.id, reference: 'case-7' });
    const swept = await run('retention', 'sweep', '--db', file, '--policy', 'aml-test', '--period-days', '0.000001', '--json');
    expect(swept.code).toBe(0);
    const result = JSON.parse(swept.out) as { redacted: Array<string>; held: number };
    expect(result.held).toBe(1);
    expect(result.redacted).not.toContain(held.id);
    expect((await run('retention', 'sweep', '--db', file, '--policy', 'p', '--period-days', 'soon')).code).toBe(2);
  }, 30_000);
});
