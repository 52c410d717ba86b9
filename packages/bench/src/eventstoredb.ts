import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventStoreDBClient, jsonEvent, type AllStreamResolvedEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventToAppend } from '@idledger/core/ledger';
import { startTestServer } from '@idledger/esdb-test-server';
import { createEventStoreDbEventStore, wireOnClient } from '@idledger/store-eventstoredb';
import { log, round } from './support.js';

/**
 * `pnpm bench:eventstoredb`: the EventStoreDB adapter's overhead over raw `@eventstore/db-client`
 * calls doing the same work, both against one in-process test server (so the figures are client
 * and adapter cost, not a server's). Contenders take turns in rounds so drift hits both alike;
 * the ratio is adapter time over raw time (target ≤ 1.2). Writes results/eventstoredb.json.
 *
 * BENCH_QUICK=1 shrinks every size for a smoke run; BENCH_ROUNDS=N sets the rounds (default 5).
 */

const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 10));
const scale = (n: number) => (quick ? Math.max(1, Math.floor(n / 20)) : n);

interface Case {
  readonly name: string;
  /** Units of work per round (events or calls), for the rate. */
  readonly units: number;
  readonly unit: string;
  readonly adapter: () => Promise<void>;
  readonly raw: () => Promise<void>;
}

const payload = (i: number) => ({ sessionId: `vs_${i.toString(36).padStart(8, '0')}`, status: 'requires_input', livemode: false, attempt: i % 7 });
const portEvent = (i: number): EventToAppend => ({ id: randomUUID(), type: 'VerificationSessionCreated', data: payload(i), metadata: { schemaVersion: 1, occurredAt: '2026-11-26T00:00:00.000Z' } });
const rawEvent = (i: number) =>
  jsonEvent({ id: randomUUID(), type: 'VerificationSessionCreated', data: payload(i), metadata: { schemaVersion: 1, occurredAt: '2026-11-26T00:00:00.000Z' } });

const must = async <A>(te: () => Promise<E.Either<unknown, A>>): Promise<A> => {
  const result = await te();
  if (E.isLeft(result)) throw new Error(`benchmark step failed: ${JSON.stringify(result.left, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  return result.right;
};

const drain = async (iterable: AsyncIterable<unknown>): Promise<number> => {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
};

const appendCases = (store: EventStore, client: EventStoreDBClient): Case[] => {
  let counter = 0;
  const singles = scale(300);
  const batches = scale(20);
  return [
    {
      name: 'append, 1 event per call, new stream each',
      units: singles,
      unit: 'calls',
      adapter: async () => {
        for (let i = 0; i < singles; i++) await must(store.appendToStream(`bench-a-${counter++}`, [portEvent(i)], { expectedRevision: 'no_stream' }));
      },
      raw: async () => {
        for (let i = 0; i < singles; i++) await client.appendToStream(`bench-r-${counter++}`, rawEvent(i), { expectedRevision: 'no_stream' });
      },
    },
    {
      name: 'append, 100 events per call',
      units: batches * 100,
      unit: 'events',
      adapter: async () => {
        for (let i = 0; i < batches; i++) await must(store.appendToStream(`bench-a-${counter++}`, Array.from({ length: 100 }, (_, j) => portEvent(j)), { expectedRevision: 'no_stream' }));
      },
      raw: async () => {
        for (let i = 0; i < batches; i++) await client.appendToStream(`bench-r-${counter++}`, Array.from({ length: 100 }, (_, j) => rawEvent(j)), { expectedRevision: 'no_stream' });
      },
    },
  ];
};

const readCases = (store: EventStore, client: EventStoreDBClient, readStreamName: string, logSize: number, pageSize: number): Case[] => {
  const streamReads = scale(20);
  return [
    {
      name: 'readStream, 1,000 events',
      units: streamReads * 1000,
      unit: 'events',
      adapter: async () => {
        for (let i = 0; i < streamReads; i++) await must(store.readStream(readStreamName));
      },
      raw: async () => {
        for (let i = 0; i < streamReads; i++) await drain(client.readStream(readStreamName));
      },
    },
    {
      name: `readAll, whole log, pages of ${pageSize}`,
      units: logSize,
      unit: 'events',
      adapter: async () => {
        await drain(store.readAll());
      },
      raw: async () => {
        // The same paging, so the difference is the adapter, not a page size.
        let from: 'start' | { commit: bigint; prepare: bigint } = 'start';
        for (;;) {
          const page: AllStreamResolvedEvent[] = [];
          for await (const resolved of client.readAll({ fromPosition: from, maxCount: pageSize + (from === 'start' ? 0 : 1) })) page.push(resolved);
          const fresh: AllStreamResolvedEvent[] = from === 'start' ? page : page.slice(1);
          const last: { commit: bigint; prepare: bigint } | undefined = fresh.at(-1)?.event?.position;
          if (last === undefined) return;
          from = last;
        }
      },
    },
    {
      name: 'subscribeToAll from the start until caught up',
      units: logSize,
      unit: 'events',
      adapter: async () => {
        const subscription = store.subscribeToAll({ from: 'start' });
        for await (const message of subscription) if (message._tag === 'CaughtUp') break;
      },
      raw: async () => {
        // The raw client signals caught-up out of band; count to the log's size instead.
        const subscription = client.subscribeToAll({ fromPosition: 'start' });
        let seen = 0;
        for await (const _ of subscription) if (++seen >= logSize) break;
        await subscription.unsubscribe();
      },
    },
  ];
};

const main = async () => {
  const server = await startTestServer({ batchAppend: true });
  const pageSize = 500;
  // One client under both contenders, so they share a channel and differ only by the adapter.
  const client = EventStoreDBClient.connectionString(server.connectionString);
  const store = createEventStoreDbEventStore(wireOnClient(client), { pageSize });
  try {
    log('eventstoredb: preparing the log');
    const readStreamName = 'bench-read-stream';
    for (let i = 0; i < 10; i++) await client.appendToStream(readStreamName, Array.from({ length: 100 }, (_, j) => rawEvent(j)));
    const filler = scale(20_000);
    for (let i = 0; i < filler; i += 500) await client.appendToStream(`bench-fill-${i}`, Array.from({ length: 500 }, (_, j) => rawEvent(j)));
    const results: Array<ReturnType<typeof summary>> = [];
    const summary = (c: Case, times: { adapter: number; raw: number }) => ({
      case: c.name,
      unit: c.unit,
      unitsPerRound: c.units,
      adapterPerSecond: round((c.units * rounds) / (times.adapter / 1000), 0),
      rawPerSecond: round((c.units * rounds) / (times.raw / 1000), 0),
      ratio: round(times.adapter / times.raw, 2),
    });
    const run = async (c: Case) => {
      const times = { adapter: 0, raw: 0 };
      // One untimed turn each, so connections, caches and JIT are warm.
      await c.adapter();
      await c.raw();
      for (let r = 0; r < rounds; r++) {
        for (const who of r % 2 === 0 ? (['adapter', 'raw'] as const) : (['raw', 'adapter'] as const)) {
          const started = performance.now();
          await c[who]();
          times[who] += performance.now() - started;
        }
      }
      const result = summary(c, times);
      results.push(result);
      log(`eventstoredb: ${c.name}: adapter ${result.adapterPerSecond} ${c.unit}/s, raw ${result.rawPerSecond} ${c.unit}/s, ratio ${result.ratio}`);
    };
    for (const c of appendCases(store, client)) await run(c);
    // The appends above grew the log; the read cases run over it as it now is.
    const logSize = await drain(client.readAll());
    log(`eventstoredb: reading a log of ${logSize} events`);
    for (const c of readCases(store, client, readStreamName, logSize, pageSize)) await run(c);
    const out = { startedAt: new Date().toISOString(), quick, rounds, machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version }, results };
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'eventstoredb.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log('\n| case | adapter | raw client | adapter time / raw time |\n| --- | --- | --- | --- |');
    for (const r of results) console.log(`| ${r.case} | ${r.adapterPerSecond.toLocaleString('en-US')} ${r.unit}/s | ${r.rawPerSecond.toLocaleString('en-US')} ${r.unit}/s | ${r.ratio} |`);
  } finally {
    await store.close(); // disposes the shared client
    await server.stop();
  }
};

await main();
