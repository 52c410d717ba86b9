import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdentityLedger } from '@idledger/core';
import { createMemoryEventStore, createMemoryReadModel, type AuditEntry, type RecordedEvent } from '@idledger/core/ledger';
import { defaultKeyFile, openEmbeddedLedger, openSqliteKeyStore } from '@idledger/store-sqlite';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A writer is killed with SIGKILL at a random moment. Everything it acknowledged must be in the
 * file, every stream must be gap-free, and the durable projections must equal a replay of the
 * log from scratch.
 */

const directory = mkdtempSync(join(tmpdir(), 'idledger-durability-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const childScript = fileURLToPath(new URL('./child.ts', import.meta.url));

interface Acknowledged {
  readonly created: Set<string>;
  readonly verified: Set<string>;
  readonly metadata: Map<string, string>;
}

const runAndKill = (file: string, killAfterMs: number): Promise<Acknowledged> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@idledger/source', childScript, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: Acknowledged = { created: new Set(), verified: new Set(), metadata: new Map() };
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [word, kind, id, value] = line.split(' ');
        if (line === 'ready') setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        if (word !== 'ack' || id === undefined) continue;
        if (kind === 'create') acked.created.add(id);
        if (kind === 'verified') acked.verified.add(id);
        if (kind === 'metadata' && value !== undefined) acked.metadata.set(id, value);
      }
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited without being killed: ${stderr}`))));
  });

describe('durability under SIGKILL', () => {
  it.each([1, 2, 3])('keeps every acknowledged command (run %i)', async (run) => {
    const file = join(directory, `ledger-${run}.db`);
    const acked = await runAndKill(file, 300 + Math.floor(Math.random() * 1200));
    expect(acked.created.size).toBeGreaterThan(0);

    const reopened = await openEmbeddedLedger({ file, apiKey: 'sk_test_durability', processing: false });
    try {
      for (const id of acked.created) {
        const session = await reopened.identity.verificationSessions.retrieve(id);
        if (acked.verified.has(id)) expect(session.status).toBe('verified');
        const value = acked.metadata.get(id);
        if (value !== undefined) expect(session.metadata.step).toBe(value);
      }

      const events: Array<RecordedEvent> = [];
      for await (const event of reopened.store.readAll()) events.push(event);
      const revisions = new Map<string, Array<bigint>>();
      for (const event of events) revisions.set(event.streamName, [...(revisions.get(event.streamName) ?? []), event.revision]);
      for (const [stream, seen] of revisions) expect(seen, stream).toEqual(seen.map((_, index) => BigInt(index)));

      // A replay from scratch into a memory read model, queried through the same API.
      const replayStore = createMemoryEventStore();
      for (const [stream] of revisions) {
        const streamEvents = events.filter((event) => event.streamName === stream);
        const appended = await replayStore.appendToStream(stream, streamEvents.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })), { expectedRevision: 'no_stream' })();
        expect(E.isRight(appended)).toBe(true);
      }
      // The copy's personal data opens with the file's own data keys.
      const keyStore = openSqliteKeyStore(defaultKeyFile(file));
      const replay = await createIdentityLedger({ store: replayStore, keyStore, readModel: createMemoryReadModel(), apiKey: 'sk_test_durability', processing: false });
      const all = async (ledger: typeof replay) => ledger.identity.verificationSessions.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
      const durable = await all(reopened);
      const replayed = await all(replay);
      expect(new Set(durable.map(({ id }) => id))).toEqual(new Set(replayed.map(({ id }) => id)));
      const strip = ({ client_secret: _secret, url: _url, ...rest }: (typeof durable)[number]) => rest;
      const byId = (list: typeof durable) => new Map(list.map((session) => [session.id, strip(session)]));
      expect(byId(durable)).toEqual(byId(replayed));
      // Positions and store times belong to each store; everything else must be the same.
      const comparable = (entries: ReadonlyArray<AuditEntry>) => entries.map(({ position: _p, recorded_at: _r, ...entry }) => entry);
      for (const id of acked.created) expect(comparable(await reopened.audit(id))).toEqual(comparable(await replay.audit(id)));
      await replay.close();
      keyStore.close();
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
